/** One field that differs between two versions of an objective: what the NdV reads as "old → new". */
export interface FieldChange {
  /** JSON path such as `indicators[i2].target.text`; array items are named by their `id` where they have one. */
  path: string;
  from: unknown;
  to: unknown;
}

type Json = unknown;

/** Field-by-field differences between two plain-JSON values, leaves only. */
export function definitionChanges(before: Json, after: Json, path = ''): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => definitionChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.every(hasId) && after.every(hasId)) {
      const ids = [...new Set([...before.map((x) => x.id), ...after.map((x) => x.id)])];
      return ids.flatMap((id) =>
        definitionChanges(
          before.find((x) => x.id === id),
          after.find((x) => x.id === id),
          `${path}[${id}]`,
        ),
      );
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => definitionChanges(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, from: before ?? null, to: after ?? null }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasId(value: unknown): value is { id: string } {
  return isRecord(value) && typeof value.id === 'string';
}
