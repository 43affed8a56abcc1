import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../support/project-copy';

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
  readonly [field: string]: unknown;
}

/** A tarball of `npm pack`: its package.json and the integrity `npm pack --json` reports. */
export interface PackedTarball {
  readonly manifest: {
    readonly name: string;
    readonly version: string;
    readonly license?: string;
    readonly dependencies?: Record<string, string>;
    readonly peerDependencies?: Record<string, string>;
    readonly bin?: Record<string, string>;
    readonly engines?: Record<string, string>;
  };
  readonly integrity: string;
}

interface Lockfile {
  readonly packages: Record<string, LockEntry>;
}

const PROJECT_LOCK: Lockfile = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'));

/** The version of `name` that this project's package-lock.json installs at the top of node_modules/. */
export function lockedVersion(name: string): string {
  const version = PROJECT_LOCK.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json installs no ${name}`);
  return version;
}

/** Where Node finds `name` when it is required from the package at `from` ('' for the root): the nearest node_modules up the tree. */
function locate(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const location = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (PROJECT_LOCK.packages[location]) return location;
    if (!dir) return undefined;
  }
}

/**
 * A package-lock.json for an app with `dependencies` and `devDependencies`, taken from this
 * project's own lockfile: every package those need, at the place and version this project installs
 * them. `tarball` is the app's dependency on a packed tarball, which this lockfile pins too, with the
 * packages its own dependencies need.
 *
 * Why: npm 11 resolves a dependency that no lockfile pins with the registry's full package document,
 * which `npm ci` does not keep in npm's cache, so `npm install --offline` fails (ENOTCACHED) without
 * a lockfile. With one, npm needs only the tarballs, which `npm ci` of this project cached.
 */
export function consumerLockfile(name: string, dependencies: Record<string, string>, devDependencies: Record<string, string>, tarball: PackedTarball): object {
  const packages: Record<string, LockEntry> = {
    [`node_modules/${tarball.manifest.name}`]: {
      version: tarball.manifest.version,
      resolved: dependencies[tarball.manifest.name],
      integrity: tarball.integrity,
      license: tarball.manifest.license,
      dependencies: tarball.manifest.dependencies,
      bin: tarball.manifest.bin,
      engines: tarball.manifest.engines,
      peerDependencies: tarball.manifest.peerDependencies,
    },
  };
  const pending: [string, string][] = [...Object.keys(dependencies), ...Object.keys(devDependencies), ...Object.keys(tarball.manifest.dependencies ?? {})]
    .filter((dependency) => dependency !== tarball.manifest.name)
    .map((dependency) => ['', dependency]);
  while (pending.length > 0) {
    const [from, dependency] = pending.shift()!;
    const location = locate(from, dependency);
    if (!location) throw new Error(`package-lock.json has no ${dependency} for ${from || 'the app'}`);
    if (packages[location]) continue;
    // dev/optional/peer flags describe this project's tree; npm works them out again for the app's.
    const { dev, optional, devOptional, peer, ...entry } = PROJECT_LOCK.packages[location];
    packages[location] = entry;
    const needed = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}).filter((optionalDependency) => locate(location, optionalDependency)),
      ...Object.keys(entry.peerDependencies ?? {}).filter((peerDependency) => !entry.peerDependenciesMeta?.[peerDependency]?.optional),
    ];
    for (const next of needed) pending.push([location, next]);
  }
  return {
    name,
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name, version: '1.0.0', dependencies, devDependencies }, ...packages },
  };
}
