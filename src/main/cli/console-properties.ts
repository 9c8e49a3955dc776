/**
 * `--property key=value` of Kafka's console producer and consumer, for the properties that
 * Logdock's own options stand for, so that their command lines work as they are:
 * `parse.key` and `key.separator` (produce: `--key-separator`), `print.key`,
 * `print.offset` and `print.partition` (consume: `--print-key`, …). Any other property is
 * named on stderr and ignored, as `--command-config` does with keys it does not know.
 */
import { InvalidArgumentError } from 'commander';
import { announce } from './support';

/** Commander collector of repeated `--property key=value` options. */
export function collectProperty(
  value: string,
  previous?: Map<string, string>,
): Map<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  const props = previous ?? new Map<string, string>();
  props.set(value.slice(0, at), value.slice(at + 1));
  return props;
}

const isTrue = (v: string | undefined) => v?.trim().toLowerCase() === 'true';

function ignoreOthers(props: Map<string, string>, known: string[]): void {
  for (const key of props.keys())
    if (!known.includes(key)) announce(`--property ${key}: not supported, ignored`);
}

/**
 * The key separator the producer properties ask for: with `parse.key=true`, `key.separator`
 * or Kafka's default, a tab; else `given` (`--key-separator`), which wins when both are set.
 */
export function producerKeySeparator(
  props: Map<string, string> | undefined,
  given: string | undefined,
): string | undefined {
  if (!props) return given;
  ignoreOthers(props, ['parse.key', 'key.separator']);
  if (given !== undefined || !isTrue(props.get('parse.key'))) return given;
  return props.get('key.separator') ?? '\t';
}

/** What the consumer properties ask to print, over the `--print-*` options given. */
export function consumerPrinting<T extends PrintOptions>(
  props: Map<string, string> | undefined,
  given: T,
): T {
  if (!props) return given;
  ignoreOthers(props, ['print.key', 'print.offset', 'print.partition']);
  return {
    ...given,
    printKey: given.printKey || isTrue(props.get('print.key')),
    printOffset: given.printOffset || isTrue(props.get('print.offset')),
    printPartition: given.printPartition || isTrue(props.get('print.partition')),
  };
}

interface PrintOptions {
  printKey?: boolean;
  printOffset?: boolean;
  printPartition?: boolean;
}
