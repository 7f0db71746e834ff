// Query parameters as the apiserver converts them into its option structs.

/**
 * A boolean query parameter as the apiserver converts one (apimachinery's runtime
 * Convert_Slice_string_To_bool): absent, "0" or "false" in any case is false; any other value, the
 * empty string included, is true. So `watch=True` (the Python client), `force=1` and `follow=TRUE` all
 * mean true, and nothing here is a 400.
 */
export function isTrue(v: string | null): boolean {
  if (v === null) return false;
  return v !== '0' && v.toLowerCase() !== 'false';
}
