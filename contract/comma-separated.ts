import { z } from 'zod';

/** A comma-separated setting (`a, b,c`): its entries, trimmed, blanks dropped; pipe it to check them. */
export const commaSeparated = z.string().transform((v) =>
  v
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);
