/**
 * The import graph of the source tree, read with TypeScript's own parser: for each file, the
 * project files it imports, and whether each import loads at run time (type-only imports and
 * exports vanish from the built code).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts/.tsx file under `dir` (relative to the repository root), sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(ROOT, dir));
  return out.map((p) => relative(ROOT, p)).sort();
}

/** Whether an import or export declaration brings in a value (not only types). */
function loadsAtRunTime(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return false;
    const clause = node.exportClause;
    if (clause && ts.isNamedExports(clause))
      return clause.elements.length === 0 || clause.elements.some((e) => !e.isTypeOnly);
    return true;
  }
  const clause = node.importClause;
  if (!clause) return true; // a side-effect import
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return true;
  return bindings.elements.length === 0 || bindings.elements.some((e) => !e.isTypeOnly);
}

/** Where files are read from: the repository by default, a map of texts in the graph's own test. */
export interface GraphSource {
  /** The text of a file named relative to the repository root. */
  read(file: string): string;
  /** Whether a file (relative to the root) exists. */
  exists(file: string): boolean;
}

const onDisk: GraphSource = {
  read: (file) => readFileSync(join(ROOT, file), 'utf8'),
  exists: (file) => existsSync(join(ROOT, file)) && statSync(join(ROOT, file)).isFile(),
};

/** The file a relative specifier names, or null for packages and unresolvable paths. */
function resolveSpecifier(from: string, specifier: string, src: GraphSource): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = relative(ROOT, resolve(ROOT, dirname(from), specifier));
  for (const candidate of [
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
    base,
  ]) {
    if (src.exists(candidate)) return candidate;
  }
  return null;
}

export interface ImportEdge {
  to: string;
  specifier: string;
  runTime: boolean;
}

/** The project files `file` imports, with whether each import loads at run time. */
export function importsOf(file: string, text?: string, src: GraphSource = onDisk): ImportEdge[] {
  const source = ts.createSourceFile(file, text ?? src.read(file), ts.ScriptTarget.Latest, false);
  const out: ImportEdge[] = [];
  for (const node of source.statements) {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) continue;
    const spec = node.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec)) continue;
    const to = resolveSpecifier(file, spec.text, src);
    if (to) out.push({ to, specifier: spec.text, runTime: loadsAtRunTime(node) });
  }
  return out;
}

/**
 * The import cycles among `files`, each as the list of files on it (first file repeated at
 * the end), sorted. Only run-time imports count unless `typeImports`. Found with Tarjan's
 * strongly connected components: each component of more than one file (or a file importing
 * itself) is reported once, with one cycle through it.
 */
export function importCycles(
  files: string[],
  opts: Partial<GraphSource> & { typeImports?: boolean } = {},
): string[][] {
  const src: GraphSource = { ...onDisk, ...opts };
  const inSet = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files)
    edges.set(
      f,
      importsOf(f, undefined, src)
        .filter((e) => (e.runTime || opts.typeImports) && inSet.has(e.to))
        .map((e) => e.to),
    );
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const f of files) if (!indexOf.has(f)) connect(f);
  return components.map((c) => cycleThrough(c, edges)).sort((a, b) => a[0].localeCompare(b[0]));
}

/** One cycle inside a strongly connected component, by breadth-first search back to its first file. */
function cycleThrough(component: string[], edges: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
