/** Process exit codes: a scan can gate a CI pipeline on them. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
