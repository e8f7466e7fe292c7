/**
 * The import structure of src/ (issue 10): floors that only import downward, and no import circle. Imports are read
 * with TypeScript's own pre-processor, so `import type`, re-exports and side-effect imports all count: a circle of
 * types still ties the files together.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const SRC = path.resolve('src');

/**
 * The floors, lowest first. A file may import its own floor and any floor below it, never one above: the platform
 * is the developer-API machinery that any resource plugs into, so it cannot depend on a resource or on the portal;
 * what it needs of them (the resource registry) is handed to it in the context.
 */
const FLOORS: readonly { name: string; holds: (file: string) => boolean }[] = [
  { name: 'shared', holds: (file) => file.startsWith('shared/') || file === 'config.ts' },
  { name: 'db', holds: (file) => file.startsWith('db/') },
  { name: 'platform', holds: (file) => file.startsWith('platform/') },
  { name: 'resources', holds: (file) => file.startsWith('resources/') },
  { name: 'portal', holds: (file) => file.startsWith('portal/') || file.startsWith('demo/') },
  { name: 'app', holds: () => true },
];

function floorOf(file: string): number {
  return FLOORS.findIndex((floor) => floor.holds(file));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `./x.js` → the .ts or .tsx file it names; undefined for packages and node: modules. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${path.relative(SRC, from)} imports ${specifier}, which is no file of src/`);
}

/** Every file of src/ (relative to it) with the files of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((imported) => resolveImport(file, imported.fileName))
      .filter((target): target is string => target !== undefined)
      .map((target) => path.relative(SRC, target));
    graph.set(path.relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components of more than one file, or of one file that imports itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    indexOf.set(file, index);
    lowLink.set(file, index);
    index++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!indexOf.has(target)) {
        visit(target);
        lowLink.set(file, Math.min(lowLink.get(file) as number, lowLink.get(target) as number));
      } else if (onStack.has(target)) {
        lowLink.set(file, Math.min(lowLink.get(file) as number, indexOf.get(target) as number));
      }
    }
    if (lowLink.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);
  return found;
}

describe('the import structure of src/', () => {
  const graph = importGraph();

  test('reads every file of src/', () => {
    assert.ok(graph.size > 100, `only ${graph.size} files read`);
    assert.ok(graph.get('app.ts')?.includes('platform/context.ts'), 'app.ts imports platform/context.ts');
  });

  test('no import runs up a floor: platform and db never import resources or the portal', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => floorOf(target) > floorOf(file))
        .map(
          (target) =>
            `${file} (${FLOORS[floorOf(file)]?.name}) imports ${target} (${FLOORS[floorOf(target)]?.name})`,
        ),
    );
    assert.deepEqual(upward, []);
  });

  test('no import circle, types included', () => {
    assert.deepEqual(circles(graph), []);
  });

  test('the checks can fail: a planted circle and a planted upward import are found', () => {
    const planted = new Map(graph);
    planted.set('platform/planted-a.ts', ['platform/planted-b.ts', 'resources/planted.ts']);
    planted.set('platform/planted-b.ts', ['platform/planted-a.ts']);
    planted.set('resources/planted.ts', []);
    assert.deepEqual(circles(planted), [['platform/planted-a.ts', 'platform/planted-b.ts']]);
    assert.ok(floorOf('resources/planted.ts') > floorOf('platform/planted-a.ts'));
  });
});
