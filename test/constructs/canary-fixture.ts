import { App, Chart } from 'cdk8s';
import { Canary, CanaryProps, IngressRoute, IstioGateway, LINT_CONTEXT_DISABLE, LoadTester, MeshNamespace, Podinfo } from '../../lib';
import { findObject, Json, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';

/** What a test may build its Canary's props from. */
export interface CanaryParts {
  readonly chart: Chart;
  readonly namespace: MeshNamespace;
  readonly podinfo: Podinfo;
  readonly gateway: IstioGateway;
  readonly loadTester: LoadTester;
}

export interface SynthesizedCanary {
  /** The synthesized Canary object. */
  readonly canary: Json;
  /** Every object of the chart. */
  readonly objects: Json[];
  readonly construct: Canary;
}

export interface CanaryFixtureOptions {
  /** Turn the synth-time lint off, for references it does not know about yet. */
  readonly lint?: boolean;
}

/**
 * The tutorial's parts (namespace, Gateway, podinfo, loadtester) and a Canary built from `props`,
 * routed in by an IngressRoute when it delegates. Every object must validate strictly.
 */
export function synthCanary(props: (parts: CanaryParts) => Partial<CanaryProps> = () => ({}), options: CanaryFixtureOptions = {}): SynthesizedCanary {
  const app: App = Testing.app();
  if (options.lint === false) app.node.setContext(LINT_CONTEXT_DISABLE, true);
  const chart = new Chart(app, 'test');
  const namespace = new MeshNamespace(chart, 'ns');
  const gateway = new IstioGateway(chart, 'gw');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const loadTester = new LoadTester(chart, 'tester', { namespace });
  const construct = new Canary(chart, 'canary', {
    target: podinfo.canaryTarget,
    autoscaler: podinfo.canaryAutoscaler,
    webhooks: [loadTester.acceptanceTest(), loadTester.loadTest()],
    ...props({ chart, namespace, podinfo, gateway, loadTester }),
  });
  namespace.addToNamespace(construct);
  if (construct.delegation) new IngressRoute(chart, 'route', { canary: construct, gateway });
  const objects = Testing.synth(chart);
  const problems = validateStrictly(objects);
  if (problems.length > 0) throw new Error(`strict validation failed: ${JSON.stringify(problems)}`);
  return { canary: findObject(objects, 'Canary', 'podinfo'), objects, construct };
}
