/**
 * A sentence fit to show the user. API errors already carry one (validation errors
 * arrive flattened as `field: problem; …`); anything else gets a generic line.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong; please try again';
}
