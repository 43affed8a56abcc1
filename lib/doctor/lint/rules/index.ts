/**
 * Every rule, in the order the documentation lists them within a severity. One file per rule, named
 * after its id, or after the prefix its family's ids share (`namespace.ts`: `namespace-*`).
 */
import { RuleSet } from '../rule';
import { acceptanceTestUnchecked } from './acceptance-test-unchecked';
import { apiVersionRemoved } from './api-version-removed';
import { autoscalerRefRules } from './autoscaler-ref';
import { builtinMetricServiceMismatch } from './builtin-metric-service-mismatch';
import { canaryFieldUnknown } from './canary-field-unknown';
import { commandWrongService } from './command-wrong-service';
import { delegationBroken } from './delegation-broken';
import { duplicateRules } from './duplicate';
import { gateUrlUnknownPath } from './gate-url-unknown-path';
import { gatewayRules } from './gateway';
import { intervalUnparsable } from './interval-unparsable';
import { loadTestTooShort } from './load-test-too-short';
import { loadtesterTypeUnknown } from './loadtester-type-unknown';
import { metricRules } from './metric';
import { metricQueryInvalid } from './metric-query-invalid';
import { metricTemplateRules } from './metric-template';
import { namespaceRules } from './namespace';
import { nonRootRules } from './non-root';
import { providerUnknown } from './provider-unknown';
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
  gateUrlUnknownPath,
  commandWrongService,
  providerUnknown,
  targetRefInvalid,
  autoscalerRefRules,
  selectorLabelMissing,
  targetPortNotExposed,
  servicePortInvalid,
  gatewayRules,
  virtualserviceTakeover,
  delegationBroken,
  namespaceRules,
  weightsInvalid,
  stepWeightOvershoot,
  thresholdInvalid,
  apiVersionRemoved,
  canaryFieldUnknown,
  intervalUnparsable,
  webhookInvalid,
  loadtesterTypeUnknown,
  webhookMetadataNotString,
  duplicateRules,
  nonRootRules,
  metricQueryInvalid,
  builtinMetricServiceMismatch,
  metricTemplateRules,
  metricRules,
  loadTestTooShort,
  acceptanceTestUnchecked,
  replicasWithHpa,
  webhookTimeoutsTooLong,
];
