// The containers selected on the list, kept while the user moves to another screen (to hand
// them over, print their labels or record a step on all of them at once).
export const selection = new Set<string>();
