import { anchorCheck } from './anchor-check.js';
import type { DoctorCheck } from './check.js';
import { integrityCheck } from './integrity-check.js';
import { parityCheck } from './parity-check.js';
import { projectionsCheck } from './projections-check.js';
import { sloCheck } from './slo-check.js';
import { storageCheck } from './storage-check.js';

/**
 * The checks `engine doctor` runs, in this order. To add one: write a DoctorCheck in its own file
 * under src/cli/doctor/ (or next to what it checks) and add it here.
 */
export const DOCTOR_CHECKS: DoctorCheck[] = [storageCheck, integrityCheck, anchorCheck, projectionsCheck, parityCheck, sloCheck];
