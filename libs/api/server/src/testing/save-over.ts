/** An epic's, a region's or a hero's procedures, as a test client calls them. */
interface SavableArea<Input, Answer> {
  get: { query(input: { id: string }): Promise<{ revision: number }> };
  save: { mutate(input: Input & { revision: number }): Promise<Answer> };
}

/** Saves `input` over whatever the epic, region or hero holds now, as an editor that has just loaded it would: it reads the revision first. */
export async function saveOver<Input extends { id: string }, Answer>(area: SavableArea<Input, Answer>, input: Input): Promise<Answer> {
  const { revision } = await area.get.query({ id: input.id });
  return area.save.mutate({ ...input, revision });
}
