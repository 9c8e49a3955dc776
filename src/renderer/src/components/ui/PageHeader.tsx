import { Fragment, type ReactNode } from 'react';

export interface Crumb {
  label: string;
  href: string;
}

/**
 * A view's title line: the breadcrumbs leading to it and its title on one line, then the
 * view's actions (a toolbar) at the end of the same line, wrapping below when narrow.
 */
export function PageHeader({
  crumbs = [],
  title,
  children,
  testId,
}: {
  crumbs?: Crumb[];
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <header className="page-header" data-testid={testId}>
      <h1>
        {crumbs.length > 0 && (
          <span className="crumbs">
            {crumbs.map((c) => (
              <Fragment key={c.href}>
                <a href={c.href}>{c.label}</a>
                <span className="crumb-sep" aria-hidden>
                  /
                </span>
              </Fragment>
            ))}
          </span>
        )}
        {title}
      </h1>
      {children}
    </header>
  );
}

/** A row of controls that wraps instead of overflowing. */
export function Toolbar({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <div className="toolbar" role="toolbar" aria-label={label}>
      {children}
    </div>
  );
}

/** What a view would show, why it is empty, and what to do next. */
export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="empty-state" data-testid={testId}>
      <strong>{title}</strong>
      {children}
    </div>
  );
}

/** A small label; `tone` colours it for a state. */
export function Badge({
  children,
  tone,
  testId,
}: {
  children: ReactNode;
  tone?: 'ok' | 'warn' | 'danger';
  testId?: string;
}) {
  return (
    <span className="badge" data-tone={tone} data-testid={testId}>
      {children}
    </span>
  );
}
