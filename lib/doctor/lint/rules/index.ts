/**
 * Every rule, in the order the documentation lists them within a severity. One file per rule, named
 * after its id, or after the prefix its family's ids share (`namespace.ts`: `namespace-*`).
 */
import { RuleSet } from '../rule';
import { acceptanceTestUnchecked } from './acceptance-test-unchecked';
import { autoscalerRefInvalid } from './autoscaler-ref-invalid';
import { commandWrongService } from './command-wrong-service';
import { delegationBroken } from './delegation-broken';
import { duplicateCanaryTarget } from './duplicate-canary-target';
import { gatewayMissing } from './gateway-missing';
import { intervalUnparsable } from './interval-unparsable';
import { loadTestTooShort } from './load-test-too-short';
import { loadtesterTypeUnknown } from './loadtester-type-unknown';
import { metricRules } from './metric';
import { namespaceRules } from './namespace';
import { nonRootRules } from './non-root';
import { replicasWithHpa } from './replicas-with-hpa';
import { selectorLabelMissing } from './selector-label-missing';
import { servicePortInvalid } from './service-port-invalid';
import { stepWeightOvershoot } from './step-weight-overshoot';
import { targetPortNotExposed } from './target-port-not-exposed';
import { targetRefInvalid } from './target-ref-invalid';
import { thresholdInvalid } from './threshold-invalid';
import { virtualserviceTakeover } from './virtualservice-takeover';
import { webhookInvalid } from './webhook-invalid';
import { webhookMetadataNotString } from './webhook-metadata-not-string';
import { webhookTimeoutsTooLong } from './webhook-timeouts-too-long';
import { webhookUrlRules } from './webhook-url';
import { weightsInvalid } from './weights-invalid';

export const RULE_SETS: readonly RuleSet[] = [
  webhookUrlRules,
  commandWrongService,
  targetRefInvalid,
  autoscalerRefInvalid,
  selectorLabelMissing,
  targetPortNotExposed,
  servicePortInvalid,
  gatewayMissing,
  virtualserviceTakeover,
  delegationBroken,
  namespaceRules,
  weightsInvalid,
  stepWeightOvershoot,
  thresholdInvalid,
  intervalUnparsable,
  webhookInvalid,
  loadtesterTypeUnknown,
  webhookMetadataNotString,
  duplicateCanaryTarget,
  nonRootRules,
  metricRules,
  loadTestTooShort,
  acceptanceTestUnchecked,
  replicasWithHpa,
  webhookTimeoutsTooLong,
];
