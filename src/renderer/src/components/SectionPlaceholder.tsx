/** Shown for a section whose view has not been written yet, and for unknown routes. */
export function SectionPlaceholder({ title, detail }: { title: string; detail?: string }) {
  return (
    <section className="placeholder">
      <h1>{title}</h1>
      <p>{detail ?? 'This section is not available in this build yet.'}</p>
    </section>
  );
}
