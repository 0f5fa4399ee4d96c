/** What a command did, announced politely to a screen reader (role=status), in the design system's alert style. */
export function Notice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <div role="status" className="alert alert-success">
      {text}
    </div>
  );
}
