/**
 * Lines of a byte stream (stdin), yielded in groups as they arrive: one group per chunk
 * read, so the reader takes the next chunk only when the consumer asks for it (the
 * stream's own back-pressure bounds memory). A trailing `\r` is dropped, as readline
 * does with crlfDelay; the last line needs no newline.
 */
export async function* lineGroups(input: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  let carry = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    const text =
      carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const lines = text.split('\n');
    carry = lines.pop()!;
    if (lines.length > 0) yield lines.map(stripCr);
  }
  const rest = carry + decoder.decode();
  if (rest !== '') yield [stripCr(rest)];
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
