import type { DoctorCheck } from './check.js';
import { integrityCheck } from './integrity-check.js';
import { projectionsCheck } from './projections-check.js';

/**
 * The checks `engine doctor` runs, in this order. To add one: write a DoctorCheck in its own file
 * under src/cli/doctor/ (or next to what it checks) and add it here.
 */
export const DOCTOR_CHECKS: DoctorCheck[] = [integrityCheck, projectionsCheck];
