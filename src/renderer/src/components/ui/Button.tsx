import type { ButtonHTMLAttributes, ReactNode } from 'react';
import type { LucideIcon } from 'lucide-react';

type Variant = 'default' | 'primary' | 'danger' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'md' | 'sm';
  /** An icon drawn before the text. */
  icon?: LucideIcon;
  children?: ReactNode;
}

const classes = (variant: Variant, size: 'md' | 'sm', extra: string | undefined) =>
  [variant === 'default' ? '' : `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', extra ?? '']
    .filter(Boolean)
    .join(' ') || undefined;

/** The one button: default, primary, danger or ghost; text with an optional icon. */
export function Button({
  variant = 'default',
  size = 'md',
  icon: Icon,
  className,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button type={type} className={classes(variant, size, className)} {...rest}>
      {Icon && <Icon className="icon" size={size === 'sm' ? 13 : 15} aria-hidden />}
      {children}
    </button>
  );
}

/** A square button with only an icon; `label` is its accessible name and tooltip. */
export function IconButton({
  icon: Icon,
  label,
  variant = 'ghost',
  size = 'md',
  className,
  ...rest
}: Omit<ButtonProps, 'children' | 'icon'> & { icon: LucideIcon; label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={classes(variant, size, `btn-icon ${className ?? ''}`.trim())}
      {...rest}
    >
      <Icon className="icon" size={size === 'sm' ? 13 : 16} aria-hidden />
    </button>
  );
}
