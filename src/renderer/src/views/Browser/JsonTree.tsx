import { useState } from 'react';

/** Children shown per object or array before a "show more" button. */
const CHILD_LIMIT = 200;

/**
 * A collapsible tree of a parsed JSON value. Nodes below `openDepth` start collapsed and
 * large objects/arrays render their children in steps, so a big document costs only what
 * is expanded.
 */
export function JsonTree({ value, openDepth = 2 }: { value: unknown; openDepth?: number }) {
  return (
    <div className="json-tree mono" data-testid="json-tree">
      <Node name={null} value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}

function Node({
  name,
  value,
  depth,
  openDepth,
}: {
  name: string | null;
  value: unknown;
  depth: number;
  openDepth: number;
}) {
  const [open, setOpen] = useState(depth < openDepth);
  const [limit, setLimit] = useState(CHILD_LIMIT);
  const label = name === null ? null : <span className="json-key">{JSON.stringify(name)}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        {label}
        <span className={`json-${value === null ? 'null' : typeof value}`}>
          {JSON.stringify(value)}
        </span>
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries = isArray
    ? (value as unknown[]).map((v, i) => [String(i), v] as const)
    : Object.entries(value as object);
  const [openBr, closeBr] = isArray ? ['[', ']'] : ['{', '}'];
  return (
    <div className="json-node">
      <button
        type="button"
        className="json-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {open ? '▾' : '▸'}
      </button>
      {label}
      {openBr}
      {!open && (
        <span className="muted">
          {' '}
          {entries.length} {isArray ? 'items' : 'keys'} {closeBr}
        </span>
      )}
      {open && (
        <>
          <div className="json-children">
            {entries.slice(0, limit).map(([k, v]) => (
              <Node
                key={k}
                name={isArray ? null : k}
                value={v}
                depth={depth + 1}
                openDepth={openDepth}
              />
            ))}
            {entries.length > limit && (
              <button
                type="button"
                className="link"
                onClick={() => setLimit(limit + CHILD_LIMIT * 5)}
              >
                show {Math.min(CHILD_LIMIT * 5, entries.length - limit)} more of{' '}
                {entries.length - limit}
              </button>
            )}
          </div>
          {closeBr}
        </>
      )}
    </div>
  );
}
