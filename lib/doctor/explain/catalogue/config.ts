/**
 * Configuration mistakes that stop Flagger before any analysis
 * (pkg/canary/*_controller.go, pkg/router/istio.go, scheduler.go).
 */
import { checks, sh } from './checks';
import { Cause, Diagnosis, DiagnosisContext, MessageSpec } from './types';

function getQueryDiagnosis(c: DiagnosisContext): Diagnosis {
  // `HorizontalPodAutoscaler v2` is the kind with the API version Flagger read it through.
  const kind = c.fields.objectKind.toLowerCase().replace(/ v2$/, '');
  const dot = c.fields.object.lastIndexOf('.');
  const name = dot > 0 ? c.fields.object.slice(0, dot) : c.fields.object;
  const namespace = dot > 0 ? c.fields.object.slice(dot + 1) : c.namespace;
  const notFound = /not found/.test(c.fields.error ?? '');
  if (kind === 'horizontalpodautoscaler') {
    return {
      summary: `Flagger could not read the HorizontalPodAutoscaler ${name} in ${namespace} named by spec.autoscalerRef${notFound ? ': it does not exist' : ''}.`,
      causes: [
        { text: 'autoscalerRef.name does not match the HPA\'s name, or the HPA is in another namespace.', checks: [checks.getObject(c, 'hpa', name, namespace), checks.canaryYaml(c)] },
        { text: 'autoscalerRef.apiVersion is not one the cluster serves for HPAs (Flagger 1.44 reads autoscaling/v2).', checks: [{ command: 'kubectl api-versions | grep autoscaling', look: 'autoscaling/v2' }] },
      ],
      fix: 'Make spec.autoscalerRef name the HPA that scales the target (kind HorizontalPodAutoscaler, apiVersion autoscaling/v2), or remove autoscalerRef.',
    };
  }
  if (kind === 'configmap' || kind === 'secret') {
    return {
      summary: `The target's pod spec references the ${kind} ${name}, and Flagger could not read it in ${namespace}${notFound ? ': it does not exist' : ''}. Flagger tracks referenced ConfigMaps and Secrets and copies them for the primary.`,
      causes: [{ text: `The ${kind} is missing, or named differently.`, checks: [checks.getObject(c, kind, name, namespace)] }],
      fix: `Create the ${kind}, or fix the reference in the target's pod spec.`,
    };
  }
  if (kind === 'virtualservice' || kind === 'destinationrule') {
    const crd: Cause = {
      text: 'The Istio CRDs are missing or Flagger\'s RBAC does not allow reading them.',
      checks: [{ command: sh`kubectl get crd ${kind === 'virtualservice' ? 'virtualservices' : 'destinationrules'}.networking.istio.io`, look: 'the CRD exists' }],
    };
    // The API server answered, but Flagger's client could not decode the object it returned.
    const undecodable = /readObjectStart|cannot unmarshal|error found in #\d+ byte|json: /.test(c.fields.error ?? '');
    const shape: Cause = {
      text: `The ${c.fields.objectKind} ${name} in the cluster has a shape Flagger cannot read: it was written by someone else (your manifests, a chart), with tcp or tls routes where Flagger manages http routes only, `
        + 'or with fields of a newer Istio API. Flagger reads the object named after the canary before it takes it over.',
      checks: [
        kind === 'virtualservice' ? checks.virtualService(c, name) : checks.getObject(c, kind, name, namespace),
        { command: sh`kubectl -n ${namespace} get ${kind} ${name} -o jsonpath='{.metadata.ownerReferences[*].kind}'`, look: 'Canary when Flagger created it; empty when it is yours' },
      ],
    };
    return {
      summary: `Flagger could not read the ${c.fields.objectKind} ${name} it manages: ${c.fields.error}.`,
      causes: undecodable ? [shape, crd] : [crd, shape],
      fix: undecodable
        ? `Delete your ${c.fields.objectKind} ${name} and let Flagger create its own from spec.service (Flagger routes HTTP only: a TCP service cannot be shifted by weight through it), or use delegation with a root VirtualService of another name.`
        : 'Install Istio\'s CRDs before Flagger, and use Flagger\'s own install for its RBAC.',
    };
  }
  if (ROUTER_KINDS.has(kind)) return routerObjectDiagnosis(c, kind, name, namespace, notFound);
  return {
    summary: `Flagger could not read the ${c.fields.objectKind} ${name} in ${namespace}${notFound ? ': it does not exist' : ''}${c.fields.objectKind.toLowerCase().startsWith('dep') || kind === 'daemonset' ? ', which spec.targetRef names' : ''}.`,
    causes: [
      { text: 'spec.targetRef.name or kind does not match the workload, or the workload is in another namespace than the Canary (it must be in the same one).', checks: [checks.getObject(c, kind.startsWith('dep') ? 'deploy' : kind, name, namespace), checks.canaryYaml(c)] },
      { text: 'The Canary was applied before the workload; Flagger retries, so this clears once the workload exists.', checks: [checks.describeCanary(c, 'whether the error keeps repeating')] },
    ],
    fix: 'Make spec.targetRef name the workload (kind Deployment, apiVersion apps/v1, same namespace as the Canary).',
  };
}

/** Objects of the routers Flagger reads, besides Istio's (pkg/router): their kind as the message names it, in lower case. */
const ROUTER_KINDS = new Set(['ingress', 'apexingress', 'httpproxy', 'routetable', 'trafficroute', 'trafficsplit', 'virtualnode', 'virtualrouter', 'traefikservice', 'apisix route', 'httproute']);

/** An object of the router Flagger could not read: the Ingress of ingressRef, or a CRD of the provider. */
function routerObjectDiagnosis(c: DiagnosisContext, kind: string, name: string, namespace: string, notFound: boolean): Diagnosis {
  const error = c.fields.error ?? '';
  const noResource = /could not find the requested resource/.test(error);
  const ingress = kind === 'ingress' || kind === 'apexingress';
  const causes: Cause[] = [];
  if (noResource) {
    causes.push({
      text: ingress
        ? 'The cluster does not serve the Ingress API version this Flagger release reads: networking.k8s.io/v1beta1 is gone since Kubernetes 1.22, so an old Flagger cannot read Ingresses there.'
        : `The cluster does not serve ${c.fields.objectKind}: the provider's CRDs are not installed, or not at the version this Flagger release reads.`,
      checks: [{ command: ingress ? 'kubectl api-versions | grep networking.k8s.io' : sh`kubectl api-resources | grep -i ${c.fields.objectKind.split(' ')[0]}`, look: ingress ? 'networking.k8s.io/v1' : 'the kind, and its API group and version' }, checks.flaggerImage(c)],
    });
  }
  causes.push({
    text: ingress ? 'spec.ingressRef names an Ingress that does not exist in the Canary\'s namespace (it must exist before the Canary).' : `The ${c.fields.objectKind} is missing, or Flagger\'s RBAC does not allow reading it.`,
    checks: [checks.getObject(c, ingress ? 'ingress' : c.fields.objectKind.split(' ')[0].toLowerCase(), name, namespace), checks.canaryYaml(c)],
  });
  return {
    summary: `Flagger could not read the ${c.fields.objectKind} ${name} in ${namespace}${notFound && !noResource ? ': it does not exist' : ''} (${error}). Flagger retries every interval; nothing moves until it can.`,
    causes,
    fix: noResource
      ? 'Run a Flagger release that supports your cluster\'s API versions (or install the provider\'s CRDs), then let Flagger retry.'
      : ingress ? 'Create the Ingress that spec.ingressRef names, in the Canary\'s namespace.' : `Create the ${c.fields.objectKind}, or fix the reference to it.`,
  };
}

/** Why Flagger could not create or update the autoscaler of the primary, from the API server's answer. */
function autoscalerDiagnosis(c: DiagnosisContext): Diagnosis {
  const error = c.fields.error ?? '';
  const keda = /scaledobject/i.test(c.fields.objectKind);
  const causes: Cause[] = [];
  if (/could not find the requested resource/.test(error)) {
    causes.push({
      text: keda
        ? 'The cluster does not serve KEDA\'s ScaledObject: KEDA\'s CRDs are not installed.'
        : 'The cluster does not serve the HorizontalPodAutoscaler API version Flagger writes: autoscaling/v2 needs Kubernetes 1.23 or newer (1.19 to 1.22 serve autoscaling/v2beta2), and Flagger releases from 1.22 on write autoscaling/v2.',
      checks: [{ command: keda ? 'kubectl api-resources | grep -i scaledobject' : 'kubectl api-versions | grep autoscaling', look: keda ? 'scaledobjects in keda.sh' : 'autoscaling/v2' }, checks.flaggerImage(c)],
    });
  }
  if (/invalid|Invalid value|unknown field/.test(error)) {
    causes.push({ text: 'The autoscaler spec Flagger copied from yours is invalid for the API it writes (fields of an older API version, such as targetAverageUtilization).', checks: [checks.getObject(c, keda ? 'scaledobject' : 'hpa', c.fields.object.split('.')[0].replace(/-primary$/, ''))] });
  }
  if (/forbidden/i.test(error)) {
    causes.push({ text: 'Flagger\'s RBAC does not allow writing it: a ClusterRole from another Flagger release.', checks: [{ command: sh`kubectl auth can-i create ${keda ? 'scaledobjects.keda.sh' : 'horizontalpodautoscalers.autoscaling'} -n ${c.namespace} --as=${`system:serviceaccount:${c.flaggerNamespace}:flagger`}`, look: 'yes' }] });
  }
  if (causes.length === 0) causes.push({ text: 'The API server refused the autoscaler; the text after "failed:" says why.', checks: [checks.canaryYaml(c)] });
  return {
    summary: `Flagger could not ${c.fields.action === 'updating' ? 'update' : 'create'} the ${c.fields.objectKind} ${c.fields.object} of the primary: ${error}. Flagger retries every interval; the canary does not get past initialization until it succeeds.`,
    causes,
    fix: /could not find the requested resource/.test(error) && !keda
      ? 'Upgrade the cluster to Kubernetes 1.23 or newer, or run a Flagger release that writes the autoscaling API your cluster serves.'
      : 'Fix what the API server refused (the text after "failed:"), then Flagger retries on its next interval.',
  };
}

/** Why Flagger could not create or update its DestinationRules or VirtualService, from the API server's answer. */
function routerDiagnosis(c: DiagnosisContext): Diagnosis {
  const error = c.fields.error ?? '';
  const what = c.fields.step === 'reconcileDestinationRule' ? 'a DestinationRule' : 'the VirtualService';
  const resource = c.fields.step === 'reconcileDestinationRule' ? 'destinationrules.networking.istio.io' : 'virtualservices.networking.istio.io';
  const causes: Cause[] = [];
  if (/admission webhook|denied the request|validation/i.test(error)) {
    causes.push({ text: 'Istio\'s validating webhook rejected the object: a field from the Canary\'s spec.service (trafficPolicy, match, retries, corsPolicy, headers) is invalid.', checks: [checks.canaryYaml(c)] });
  }
  if (/forbidden|cannot (?:create|update|get)/i.test(error)) {
    causes.push({ text: 'Flagger\'s RBAC does not allow it: an install without Flagger\'s ClusterRole for networking.istio.io.', checks: [{ command: sh`kubectl auth can-i update ${resource} -n ${c.namespace} --as=${`system:serviceaccount:${c.flaggerNamespace}:flagger`}`, look: 'yes' }] });
  }
  causes.push({
    text: 'The Istio CRDs are missing, or the cluster does not serve networking.istio.io/v1beta1 ("the server could not find the requested resource").',
    checks: [{ command: sh`kubectl get crd ${resource} -o jsonpath='{.spec.versions[*].name}'`, look: 'v1beta1 among the served versions' }],
  });
  return {
    summary: `Flagger could not create or update ${what} of the canary (${c.fields.step} failed): ${error}. It retries every interval; nothing moves until it succeeds.`,
    causes,
    fix: 'Fix what the API server refused (the text after "failed:"): the Canary\'s spec.service fields, Flagger\'s RBAC, or the Istio installation.',
  };
}

/** Why Flagger could not write a Canary's status, from the API server's answer. */
function statusDiagnosis(c: DiagnosisContext): Diagnosis {
  const error = c.fields.error ?? '';
  const crd = { command: 'kubectl get crd canaries.flagger.app -o jsonpath=\'{.spec.versions[*].subresources}\'', look: '{"status":{}}: without it the API server has no status subresource for Canaries' };
  const causes: Cause[] = [];
  if (/could not find the requested resource|404|not found/i.test(error)) {
    causes.push({
      text: 'The API server has no status subresource for Canaries: Kubernetes older than 1.11 does not serve it for custom resources (OpenShift 3.9 is Kubernetes 1.9), '
        + 'or the Canary CRD was applied from an old Flagger release whose definition lacks subresources.status.',
      checks: [{ command: 'kubectl version', look: 'Server Version 1.11 or newer' }, crd],
    });
  }
  if (/forbidden/i.test(error)) {
    causes.push({
      text: 'Flagger\'s RBAC does not allow writing canaries/status: a ClusterRole from another Flagger release.',
      checks: [{ command: sh`kubectl auth can-i update canaries.flagger.app --subresource=status -n ${c.namespace} --as=${`system:serviceaccount:${c.flaggerNamespace}:flagger`}`, look: 'yes' }],
    });
  }
  if (/has been modified|conflict/i.test(error)) {
    causes.push({ text: 'Something else wrote the Canary at the same moment (a GitOps tool re-applying it): a conflict Flagger retries. Harmless when it is rare.', checks: [checks.describeCanary(c)] });
  }
  if (causes.length === 0) causes.push({ text: 'The API server refused the write; the text after "error" says why.', checks: [crd, checks.describeCanary(c)] });
  return {
    summary: `Flagger could not write the status of Canary ${c.canary}: ${error}. Flagger keeps its progress (phase, weight, failed checks) in the status, so the canary cannot leave the step it is in; Flagger retries every interval.`,
    causes,
    fix: /could not find the requested resource/i.test(error)
      ? 'Upgrade the cluster to Kubernetes 1.11 or newer, and apply the Canary CRD of the Flagger release you run (it declares the status subresource).'
      : 'Fix what the API server refused (the text after "error"), then Flagger resumes on its next interval.',
  };
}

export const CONFIG_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'autoscaler-reconcile-failed',
    kind: 'config',
    role: 'block', lintRules: ['autoscaler-ref-invalid'],
    patterns: [/^(?<action>creating|updating) (?<objectKind>HorizontalPodAutoscaler(?: v2(?:beta2)?)?|Keda ScaledObject|ScaledObject) (?<object>\S+) failed: (?<error>[\s\S]*)$/],
    headline: (c) => `cannot ${c.fields.action === 'updating' ? 'update' : 'create'} ${c.fields.objectKind} ${c.fields.object}`,
    problemKey: (c) => c.fields.object,
    diagnose: autoscalerDiagnosis,
  },
  {
    id: 'strategy-not-supported',
    kind: 'config',
    patterns: [
      /^(?<what>A\/B testing|Progressive traffic) is not supported when using the kubernetes provider$/,
      /^Setting canaryAnalysis\.iterations: (?<iterations>\d+)$/,
    ],
    headline: () => 'the kubernetes provider runs blue/green only',
    diagnose: (c) => ({
      summary: `${c.fields.what ? `${c.fields.what} is not supported when using the kubernetes provider` : `Flagger set the analysis to ${c.fields.iterations} iterations`}: with no mesh or ingress to split traffic, `
        + 'Flagger can only switch the apex Service between primary and canary (blue/green). It ignores stepWeight, maxWeight and match, and runs the analysis for iterations (10 when none are set) before it switches.',
      causes: [{
        text: 'The Canary (or Flagger\'s -mesh-provider) uses the kubernetes provider together with traffic weights (stepWeight, maxWeight) or A/B match conditions, which need a mesh or an ingress controller.',
        checks: [checks.canaryYaml(c), checks.flaggerArgs(c, '-mesh-provider')],
      }],
      fix: 'For blue/green keep the kubernetes provider and set analysis.iterations (and remove stepWeight, maxWeight and match); for progressive traffic or A/B testing set spec.provider to your mesh or ingress controller.',
    }),
  },
  {
    id: 'status-update-failed',
    kind: 'config',
    role: 'block',
    patterns: [
      // Flagger 0.x (pkg/canary/status.go)
      /^canary (?<ref>\S+) status update error (?<error>[\s\S]*)$/,
      /^(?:failed to sync canary (?<ref>\S+) status: )?failed after retries: (?:updating canary (?<ref2>\S+) status failed: )?(?<error>[\s\S]*)$/,
      /^updating canary (?<ref>\S+) status failed: (?<error>[\s\S]*)$/,
    ],
    headline: () => 'cannot write the Canary\'s status',
    diagnose: statusDiagnosis,
  },
  {
    id: 'selector-labels',
    kind: 'config',
    role: 'block', lintRules: ['selector-label-missing'],
    patterns: [
      /^(?<objectKind>deployment|daemonset) (?<object>\S+) spec\.selector\.matchLabels must contain one of \[(?<labels>[^\]]*)\]'?$/,
      // Flagger 0.x
      /^invalid label selector! (?<objectKind>Deployment|DaemonSet) (?<object>\S+) spec\.selector\.matchLabels must contain selector '(?<labels>[^']*)'$/,
    ],
    headline: () => 'target\'s selector lacks the label Flagger needs',
    diagnose: (c) => ({
      summary: `${c.fields.object}'s spec.selector.matchLabels has none of the labels Flagger uses to build the primary's selector (${c.fields.labels || 'app, name, app.kubernetes.io/name'}). Flagger stops here.`,
      causes: [{ text: 'The selector uses another label key (e.g. component or k8s-app).', checks: [checks.selectorOf(c, c.fields.objectKind.toLowerCase() === 'daemonset' ? 'ds' : 'deploy', c.fields.object.split('.')[0])] }],
      fix: 'Add an app: <name> (or app.kubernetes.io/name) label to the selector and the pod template, or start Flagger with -selector-labels listing your label. A Deployment\'s selector is immutable: delete and recreate it.',
    }),
  },
  {
    id: 'get-query-error',
    kind: 'config',
    role: 'block', lintRules: ['target-ref-invalid', 'autoscaler-ref-invalid'],
    patterns: [
      /^(?<objectKind>deployment|deplyoment|daemonset|damonset|service|HorizontalPodAutoscaler(?: v2)?|Keda ScaledObject|configmap|secret|VirtualService|DestinationRule|Knative Service|ingress|apexIngress|HTTPProxy|RouteTable|TrafficRoute|TrafficSplit|VirtualNode|VirtualRouter|TraefikService|APISIX route|HTTPRoute) (?<object>\S+) get query (?:error|failed)(?: ?: | )(?<error>[\s\S]*)$/,
      // Flagger 0.x
      /^(?<objectKind>deployment) (?<object>\S+) (?<error>not found)$/,
      /^(?<objectKind>deployment) (?<object>\S+) query error (?<error>[\s\S]*)$/,
    ],
    headline: (c) => `cannot read ${c.fields.objectKind} ${c.fields.object}`,
    problemKey: (c) => `${c.fields.objectKind}/${c.fields.object}`,
    diagnose: getQueryDiagnosis,
  },
  {
    id: 'virtualservice-routes-missing',
    kind: 'config',
    role: 'block', lintRules: ['virtualservice-takeover'],
    patterns: [/^VirtualService (?<object>\S+) does not contain routes for (?<primary>\S+)-primary and (?<canaryHost>\S+)-canary$/],
    headline: () => 'VirtualService lost Flagger\'s routes',
    diagnose: (c) => ({
      summary: `Flagger owns the VirtualService ${c.fields.object} and expects routes to ${c.fields.primary}-primary and ${c.fields.canaryHost}-canary, but they are gone: something else rewrote it.`,
      causes: [
        { text: 'Your manifests (or Helm chart) also define a VirtualService with the canary\'s name, and every apply overwrites Flagger\'s.', checks: [checks.virtualService(c, c.fields.object.split('.')[0])] },
        { text: 'A GitOps tool reverts Flagger\'s changes to the VirtualService.', checks: [{ command: sh`kubectl -n ${c.namespace} get virtualservice ${c.fields.object.split('.')[0]} -o jsonpath='{.metadata.managedFields[*].manager}'`, look: 'managers other than flagger' }] },
      ],
      fix: 'Do not ship a VirtualService named like the canary: let Flagger generate it from spec.service, or use delegation (service.delegation: true plus a root VirtualService with another name).',
    }),
  },
  {
    id: 'delegation-with-hosts',
    kind: 'config',
    role: 'block', lintRules: ['delegation-broken'],
    patterns: [/^VirtualService (?<object>\S+) cannot have hosts and gateways when delegation enabled$/],
    headline: () => 'delegation enabled together with hosts or gateways',
    diagnose: (c) => ({
      summary: 'service.delegation: true makes Flagger\'s VirtualService a delegate, and Istio forbids hosts and gateways on a delegate.',
      causes: [{ text: 'spec.service has hosts or gateways and delegation: true.', checks: [checks.canaryYaml(c)] }],
      fix: 'Remove spec.service.hosts and spec.service.gateways, and put them on the root VirtualService that delegates to the canary.',
    }),
  },
  {
    id: 'router-reconcile-failed',
    kind: 'config',
    role: 'block',
    // Only what no family recognises inside the wrapper (matchMessage tries the wrapped message first).
    patterns: [/^(?<step>reconcile(?:DestinationRule|VirtualService)) failed: (?<error>(?:(?:DestinationRule|VirtualService) (?<object>\S+) )?[\s\S]*)$/],
    headline: (c) => `${c.fields.step} failed`,
    problemKey: (c) => c.fields.step,
    diagnose: routerDiagnosis,
  },
  {
    id: 'scale-down-failed',
    kind: 'config',
    role: 'block',
    patterns: [/^scaling down canary (?<objectKind>\S+) (?<object>\S+) failed: (?<error>[\s\S]*)$/],
    headline: (c) => `cannot scale ${c.fields.object} to zero`,
    diagnose: (c) => ({
      summary: `At initialization Flagger scales ${c.fields.object} to zero once the primary runs, and the update failed: ${c.fields.error}. Flagger retries every interval; the canary stays Initializing.`,
      causes: [
        { text: 'Something else owns the replica count and fights back, or an admission policy (Gatekeeper, Kyverno) refuses 0 replicas.', checks: [checks.describeDeployment(c, c.fields.object.split('.')[0]), checks.namespaceEvents(c, 'admission denials for the Deployment')] },
        { text: 'Flagger\'s RBAC does not allow updating the workload.', checks: [{ command: sh`kubectl auth can-i update deployments -n ${c.namespace} --as=${`system:serviceaccount:${c.flaggerNamespace}:flagger`}`, look: 'yes' }] },
      ],
      fix: 'Let Flagger own the target\'s replicas (no HPA or GitOps tool re-applying spec.replicas on it) and allow it through admission policies.',
    }),
  },
  {
    id: 'duplicate-target',
    kind: 'config',
    role: 'block', lintRules: ['duplicate-canary-target'],
    patterns: [/^Bad things will happen! Found more than one canary with the same target (?<target>\S+)$/],
    headline: (c) => `more than one canary targets ${c.fields.target}`,
    diagnose: (c) => ({
      summary: `At least two Canaries target ${c.fields.target}; they fight over the same Deployment, primary and routes.`,
      causes: [{ text: 'A renamed Canary was applied without deleting the old one, or two charts both ship a Canary.', checks: [checks.canariesForTarget()] }],
      fix: 'Delete all but one Canary for the target.',
    }),
  },
  {
    id: 'cross-namespace-reference',
    kind: 'config',
    role: 'block',
    patterns: [/^(?:error syncing '(?<syncKey>[^']+)': )?(?:invalid canary spec: )?can't access (?<what>[\w ]+) (?<referenced>\S+), cross-namespace references are blocked$/],
    headline: (c) => `cross-namespace reference to ${c.fields.what} ${c.fields.referenced} blocked`,
    diagnose: (c) => {
      // `error-rate.`: the reference has no namespace at all.
      const noNamespace = c.fields.referenced.endsWith('.');
      const unset: Cause = {
        text: `The reference has no namespace (${c.fields.referenced}): Flagger releases before 1.42.0 did not default an empty templateRef.namespace (or providerRef.namespace, upstreamRef.namespace) to the Canary's when -no-cross-namespace-refs is set, and blocked it as a reference to another namespace.`,
        checks: [checks.metrics(c, 'the templateRef of each metric: namespace empty'), checks.flaggerImage(c)],
      };
      const other: Cause = { text: 'A templateRef or providerRef names another namespace.', checks: [checks.canaryYaml(c), checks.flaggerArgs(c, '-no-cross-namespace-refs')] };
      return {
        summary: `Flagger runs with -no-cross-namespace-refs, so the Canary may not reference ${c.fields.what} ${c.fields.referenced} in another namespace. Flagger stops at this check and retries every interval.`,
        causes: noNamespace ? [unset, other] : [other],
        fix: noNamespace
          ? `Set the reference's namespace explicitly (templateRef.namespace: ${c.namespace}), or upgrade Flagger to 1.42.0 or newer.`
          : `Copy the ${c.fields.what} into ${c.namespace}, or run Flagger without -no-cross-namespace-refs.`,
      };
    },
  },
];
