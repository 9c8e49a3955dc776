/** Classic hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function HexView({ bytes, baseOffset = 0 }: { bytes: Uint8Array; baseOffset?: number }) {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const slice = bytes.subarray(i, i + 16);
    const hex = Array.from(slice, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(slice, (b) =>
      b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
    ).join('');
    lines.push(`${(baseOffset + i).toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return (
    <pre className="hex-view mono" data-testid="hex-view">
      {lines.join('\n')}
    </pre>
  );
}

/** Base64 to bytes without Node's Buffer (the renderer runs in a browser). */
export function fromBase64(data: string): Uint8Array {
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
