import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { apiObjectsOf, KNOWN_OUTPUT_TYPES, outputOf, RenderedApp, renderCharts, resolveDependencies } from './render';
import { stringifyDocuments, writeYamlFiles } from './yaml-files';

const rendering = new WeakMap<App, RenderedApp>();

/**
 * The objects `AppSynthesizer` rendered for `app`, while it runs the app's validations; otherwise
 * undefined. Validations that read every object (flagger-doctor's lint) use them instead of
 * rendering the app a second time.
 */
export function renderedForValidation(app: App): RenderedApp | undefined {
  return rendering.get(app);
}


/**
 * Synthesizes a cdk8s app in time linear in its charts and objects, with the output of
 * `app.synth()`, byte for byte.
 *
 * cdk8s's `App.synth()` renders each chart through `chart.toJson()`, which resolves the
 * dependencies of the whole app and runs all its validations again: an app of N charts costs N+1
 * passes over every construct (about 90 s for 1000 charts). `AppSynthesizer` resolves the
 * dependencies once, renders each chart's objects once, and runs the validations once, after the
 * dependencies are resolved (so validations see the objects in the order they are written). It
 * writes the YAML of plain manifests with a fast emitter that matches cdk8s's `Yaml.stringify`
 * byte for byte (see yaml-emitter.ts), a third of the cost of a large synth otherwise.
 *
 * Use it wherever you would call `app.synth()`:
 *
 * ```ts
 * const app = new App();
 * new MyChart(app, 'my-chart');
 * AppSynthesizer.synth(app);
 * ```
 *
 * It relies on cdk8s's public API, plus one private field (whether the app records construct
 * metadata for validation plugins); when that field or the app's output type is unknown to it
 * (a newer cdk8s), it warns and calls `app.synth()`.
 */
export class AppSynthesizer {
  /**
   * Writes the app's manifests to `app.outdir`, as `app.synth()` does.
   *
   * @param app the app to synthesize
   */
  public static synth(app: App): void {
    const recordConstructMetadata = recordsConstructMetadata(app);
    if (recordConstructMetadata === undefined || !KNOWN_OUTPUT_TYPES.includes(app.yamlOutputType)) {
      process.emitWarning(`this cdk8s (output type ${JSON.stringify(app.yamlOutputType)}) is not one AppSynthesizer knows; synthesizing with app.synth(), whose cost grows with the square of the number of charts.`, { code: 'FLAGGER_CDK8S_SYNTH_FALLBACK' });
      app.synth();
      return;
    }
    fs.mkdirSync(app.outdir, { recursive: true });
    const rendered = renderValidated(app, app.node.findAll());
    const output = outputOf(rendered)!;
    for (const folder of output.folders) fs.mkdirSync(path.join(app.outdir, folder), { recursive: true });
    writeYamlFiles(output.files.map(({ file, objects }) => ({ path: path.join(app.outdir, file), docs: objects.map((object) => object.json) })));
    if (recordConstructMetadata) writeConstructMetadata(app, rendered);
  }

  /**
   * All the app's objects as one YAML string, as `app.synthYaml()` returns it.
   *
   * @param app the app to synthesize
   */
  public static synthYaml(app: App): string {
    const rendered = renderValidated(app, app.node.findAll());
    return stringifyDocuments(rendered.charts.flatMap((chart) => chart.objects.map((object) => object.json)));
  }
}

/**
 * Resolves the dependencies and renders every chart once, then runs the validations of every
 * construct once, with the rendered objects at hand. When rendering throws, the validations run
 * first, so that an invalid construct is reported as `app.synth()` reports it.
 */
function renderValidated(app: App, nodes: readonly IConstruct[]): RenderedApp {
  const hasDependantCharts = resolveDependencies(app, nodes);
  let rendered: RenderedApp;
  try {
    rendered = renderCharts(app, hasDependantCharts);
  } catch (error) {
    validate(nodes);
    throw error;
  }
  rendering.set(app, rendered);
  try {
    validate(nodes);
  } finally {
    rendering.delete(app);
  }
  return rendered;
}

/** cdk8s's own validation pass, with its error message. */
function validate(nodes: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const node of nodes) {
    for (const error of node.node.validate()) errors.push(`[${node.node.path}] ${error}`);
  }
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/** `App.recordConstructMetadata`, a private field of cdk8s 2.x; undefined when it is not there. */
function recordsConstructMetadata(app: App): boolean | undefined {
  const value: unknown = (app as unknown as { recordConstructMetadata?: unknown }).recordConstructMetadata;
  return typeof value === 'boolean' ? value : undefined;
}

/** `construct-metadata.json`, which cdk8s-cli reads to name construct paths in validation reports. */
function writeConstructMetadata(app: App, rendered: RenderedApp): void {
  const resources: Record<string, { path: string }> = {};
  for (const chart of rendered.charts) {
    const apiObjects = chart.overridden ? apiObjectsOf(chart.chart) : chart.objects.map((object) => object.apiObject);
    for (const apiObject of apiObjects) resources[apiObject.name] = { path: apiObject.node.path };
  }
  fs.writeFileSync(path.join(app.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
}
