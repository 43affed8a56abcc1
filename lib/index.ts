// The constructs and the validation plugin: what a cdk8s app imports. The flagger-doctor engine
// (lint, plan, explain) is the package's `./doctor` entry, lib/doctor/index.ts.
export * from './constructs/mesh-namespace';
export * from './constructs/istio-gateway';
export * from './constructs/podinfo';
export * from './constructs/load-tester-options';
export * from './constructs/load-tester';
export * from './constructs/canary-target';
export * from './constructs/canary-strategy';
export * from './constructs/http-match';
export * from './constructs/canary-routing';
export * from './constructs/traffic-policy';
export * from './constructs/canary-webhook';
export * from './constructs/canary-metric';
export * from './constructs/metric-template';
export * from './constructs/alert-provider';
export * from './constructs/canary';
export * from './constructs/ingress-route';
export * from './constructs/tutorial-chart';
export { LINT_CONTEXT_DISABLE, LINT_CONTEXT_RULES, LINT_CONTEXT_SCRAPE_INTERVAL } from './constructs/internal/synth-lint';
export * from './cdk8s-validation';
export * from './synth';
