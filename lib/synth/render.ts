import { ApiObject, App, Chart, DependencyGraph, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Rendering an app the way `App.synth()` does, with each step done once for the whole app.
 *
 * cdk8s 2.70's `App.synth()` renders each chart with `chart.toJson()`, which is `App._synthChart`:
 * it resolves the dependencies of, and validates, the whole app again for every chart, so N charts
 * cost N+1 passes over every construct. Here dependencies are resolved once, and each chart's
 * objects are rendered from its own dependency graph, as `chartToKube` does in cdk8s.
 */

/** One object of a rendered chart. */
export interface RenderedObject {
  readonly apiObject: ApiObject;
  /** `apiObject.toJson()`, as written to the manifest. */
  readonly json: any;
}

/** A chart with its objects in cdk8s's order (topological within the chart). */
export interface RenderedChart {
  readonly chart: Chart;
  readonly objects: readonly RenderedObject[];
  /** Whether the objects came from the chart's own `toJson()` override. */
  readonly overridden: boolean;
}

/** Every chart of an app, in the order `App.charts` gives (topological across charts). */
export interface RenderedApp {
  readonly app: App;
  readonly charts: readonly RenderedChart[];
  /** Whether any chart depends on another, so that `FILE_PER_CHART` numbers the files. */
  readonly hasDependantCharts: boolean;
}

/**
 * Turns construct dependencies into chart and ApiObject dependencies, as cdk8s's (unexported)
 * `resolveDependencies` does; adding the same dependency twice is a no-op, so running it once has
 * the effect of the N+1 runs of `App.synth()`. Returns whether any chart depends on another.
 */
export function resolveDependencies(app: App, nodes: readonly IConstruct[] = app.node.findAll()): boolean {
  let hasDependantCharts = false;
  for (const parent of nodes) {
    if (!(parent instanceof Chart)) continue;
    for (const child of parent.node.children) {
      if (child instanceof Chart) {
        parent.node.addDependency(child);
        hasDependantCharts = true;
      }
    }
  }
  for (const { source, target } of dependencies(nodes)) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  // Read the dependencies again: the chart dependencies just added count too, as in cdk8s.
  const apiObjectsCache = new Map<IConstruct, ApiObject[]>();
  const apiObjectsOf = (scope: IConstruct, chart: Chart) => {
    let all = apiObjectsCache.get(scope);
    if (!all) {
      all = scope.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject);
      apiObjectsCache.set(scope, all);
    }
    return all.filter((object) => Chart.of(object) === chart);
  };
  for (const { source, target } of dependencies(nodes)) {
    const targets = apiObjectsOf(target, Chart.of(target));
    const sources = apiObjectsOf(source, Chart.of(source));
    for (const targetObject of targets) {
      for (const sourceObject of sources) {
        if (targetObject !== sourceObject) sourceObject.node.addDependency(targetObject);
      }
    }
  }
  return hasDependantCharts;
}

function dependencies(nodes: readonly IConstruct[]): Array<{ source: IConstruct; target: IConstruct }> {
  const found: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const source of nodes) {
    for (const target of source.node.dependencies) found.push({ source, target });
  }
  return found;
}

/** The app's charts in `App.charts` order. */
export function chartsOf(app: App): Chart[] {
  return topologyOf(app).filter((node): node is Chart => node instanceof Chart);
}

/** The ApiObjects a chart renders itself (not those of nested charts), in its dependency order. */
export function apiObjectsOf(chart: Chart): ApiObject[] {
  return topologyOf(chart).filter((node): node is ApiObject => node instanceof ApiObject && Chart.of(node) === chart);
}

/**
 * `new DependencyGraph(scope.node).topology()`, the order in which cdk8s writes charts and objects,
 * in time linear in the constructs: cdk8s keys its vertices by path (a string built for every
 * construct) and searches for a cycle before it adds each edge. The order is cdk8s's to the last
 * detail: the roots (constructs nothing depends on) are visited as `Object.values` lists the paths,
 * whose array-index keys (a top-level chart named `0` or `12`) come first, and each construct's
 * dependencies in the order they were added. Where cdk8s would throw (a cycle) or could match a
 * construct by path alone (a dependency on another construct tree), cdk8s's own graph is used.
 */
export function topologyOf(scope: IConstruct): IConstruct[] {
  const nodes = scope.node.findAll();
  const inScope = new Set<IConstruct>(nodes);
  const root = scope.node.root;
  const dependencies = new Map<IConstruct, Set<IConstruct>>();
  const depended = new Set<IConstruct>();
  for (const source of nodes) {
    for (const target of source.node.dependencies) {
      if (!inScope.has(target)) {
        if (target.node.root !== root) return new DependencyGraph(scope.node).topology();
        continue; // cdk8s leaves out dependencies outside the scope
      }
      let targets = dependencies.get(source);
      if (!targets) dependencies.set(source, targets = new Set());
      targets.add(target);
      depended.add(target);
    }
  }
  const indexed: Array<[number, IConstruct]> = [];
  const named: IConstruct[] = [];
  for (const node of nodes) {
    if (depended.has(node)) continue;
    // Only the root and its children have a path without "/", which may be an array index.
    const path = node.node.scope?.node.scope === undefined ? node.node.path : undefined;
    if (path !== undefined && ARRAY_INDEX.test(path) && Number(path) < 2 ** 32 - 1) indexed.push([Number(path), node]);
    else named.push(node);
  }
  indexed.sort((a, b) => a[0] - b[0]);
  const order: IConstruct[] = [];
  const done = new Set<IConstruct>();
  const visiting = new Set<IConstruct>();
  // A cycle, or a chain of dependencies deep enough that cdk8s's recursion may exhaust the stack
  // (which ours, with smaller frames, would survive): cdk8s's own graph then throws or succeeds.
  let unusual = false;
  const visit = (node: IConstruct) => {
    if (done.has(node) || unusual) return;
    if (visiting.has(node) || visiting.size > MAX_DEPTH) {
      unusual = true;
      return;
    }
    visiting.add(node);
    for (const target of dependencies.get(node) ?? []) visit(target);
    visiting.delete(node);
    done.add(node);
    order.push(node);
  };
  for (const node of [...indexed.map(([, construct]) => construct), ...named]) visit(node);
  if (unusual || order.length !== nodes.length) return new DependencyGraph(scope.node).topology();
  return order;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
/** Dependency chains deeper than this are left to cdk8s's graph (it recurses once per level, and twice per edge). */
const MAX_DEPTH = 1000;

function renderApiObjects(chart: Chart): RenderedObject[] {
  return apiObjectsOf(chart).map((apiObject) => ({ apiObject, json: apiObject.toJson() }));
}

/** Options of `renderCharts`. */
export interface RenderOptions {
  /**
   * Render a chart class that overrides `toJson()` through it, as `App.synth()` does, whatever that
   * costs (cdk8s's `toJson()` resolves and validates the whole app). Off, its ApiObjects are rendered.
   *
   * @default true
   */
  readonly chartOverrides?: boolean;
}

/** Renders every chart of an app whose dependencies are resolved. */
export function renderCharts(app: App, hasDependantCharts: boolean, options: RenderOptions = {}): RenderedApp {
  const chartOverrides = options.chartOverrides ?? true;
  const charts = chartsOf(app).map((chart): RenderedChart => {
    if (chartOverrides && chart.toJson !== Chart.prototype.toJson) {
      const apiObjects = apiObjectsOf(chart);
      const json: any[] = chart.toJson();
      // An override may drop or add objects; pair them with ApiObjects only where it kept the order.
      return { chart, objects: json.map((object, index) => ({ apiObject: apiObjects[index], json: object })), overridden: true };
    }
    return { chart, objects: renderApiObjects(chart), overridden: false };
  });
  return { app, charts, hasDependantCharts };
}

/** The output types whose files this code names as `App.synth()` does. */
export const KNOWN_OUTPUT_TYPES: readonly YamlOutputType[] = [
  YamlOutputType.FILE_PER_APP,
  YamlOutputType.FILE_PER_CHART,
  YamlOutputType.FILE_PER_RESOURCE,
  YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
];

/** A file of the rendered app, named as `App.synth()` names it. */
export interface RenderedFile {
  /** Path relative to the output directory. */
  readonly file: string;
  readonly objects: readonly RenderedObject[];
}

/** What `App.synth()` writes: folders first (FOLDER_PER_CHART_FILE_PER_RESOURCE), then files in its order. */
export interface RenderedOutput {
  readonly folders: readonly string[];
  readonly files: readonly RenderedFile[];
}

/**
 * The output `App.synth()` writes for `rendered`, or undefined for an output type this code does
 * not know (a cdk8s newer than this library).
 */
export function outputOf(rendered: RenderedApp): RenderedOutput | undefined {
  const { app, charts, hasDependantCharts } = rendered;
  if (!KNOWN_OUTPUT_TYPES.includes(app.yamlOutputType)) return undefined;
  if (app.yamlOutputType === YamlOutputType.FILE_PER_APP) {
    return { folders: [], files: charts.length > 0 ? [{ file: `app${app.outputFileExtension}`, objects: charts.flatMap((chart) => chart.objects) }] : [] };
  }
  const folders = app.yamlOutputType === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE
    ? charts.map((chart, index) => chartFileName(hasDependantCharts, chart.chart, index)) : [];
  const files: RenderedFile[] = [];
  for (const [index, chart] of charts.entries()) {
    const ofChart = chartFilesOf(app, hasDependantCharts, chart, index);
    if (!ofChart) return undefined;
    files.push(...ofChart);
  }
  return { folders, files };
}

/**
 * The files `App.synth()` writes for one chart, at `index` in `App.charts`, with the folder it
 * writes them in (if any); undefined for FILE_PER_APP, whose one file holds every chart, and for an
 * output type this code does not know.
 */
function chartFilesOf(app: App, hasDependantCharts: boolean, chart: RenderedChart, index: number): RenderedFile[] | undefined {
  const extension = app.outputFileExtension;
  const chartName = chartFileName(hasDependantCharts, chart.chart, index);
  const resourceName = (kind: string, name: string | undefined) => `${kind}.${name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_CHART:
      return [{ file: `${chartName}${extension}`, objects: chart.objects }];
    case YamlOutputType.FILE_PER_RESOURCE:
      return chart.objects.filter((object) => object.json !== undefined)
        .map((object) => ({ file: `${resourceName(object.json.kind, object.json.metadata.name)}${extension}`, objects: [object] }));
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      // cdk8s renders this layout from the ApiObjects, bypassing a chart's toJson() override, and
      // names each file by the ApiObject's kind and name rather than by the rendered JSON.
      return (chart.overridden ? renderApiObjects(chart.chart) : chart.objects)
        .map((object) => ({ file: `${chartName}/${resourceName(object.apiObject.kind, object.apiObject.metadata.name)}${extension}`, objects: [object] }));
    default:
      return undefined;
  }
}

/** The folder of a chart in FOLDER_PER_CHART_FILE_PER_RESOURCE, and its file's name in FILE_PER_CHART. */
function chartFileName(hasDependantCharts: boolean, chart: Chart, index: number): string {
  return `${hasDependantCharts ? `${String(index).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
}
