/** A server problem's `detail`, shown next to the action that caused it. */
export function ErrorText({ error, id }: { error: string | undefined; id?: string }) {
  if (error === undefined) return null;
  return (
    <p className="error" role="alert" id={id}>
      {error}
    </p>
  );
}
