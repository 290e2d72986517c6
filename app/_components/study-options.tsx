/** The options of a study picker: `none` first (no study, or "choose one"), then each study by name. */
export function StudyOptions({ studies, none }: { studies: { id: string; name: string }[]; none: string }) {
  return (
    <>
      <option value="">{none}</option>
      {studies.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </>
  );
}
