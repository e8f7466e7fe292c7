import type { Db, GeofenceRow, LocationRow } from '../../db/tables.js';
import { ApiError } from '../../platform/errors/api-error.js';
import { type Coordinates, distanceMeters } from '../../shared/geo.js';
import { findApplicableGeofences } from '../geofences/repository.js';

export interface GeofenceVerdict {
  readonly withinGeofence: boolean | null;
  /** To the nearest applicable centre, rounded to 0.1 m. */
  readonly distanceMeters: number | null;
  readonly geofenceId: string | null;
}

const NO_VERDICT: GeofenceVerdict = { withinGeofence: null, distanceMeters: null, geofenceId: null };

const roundToDecimetre = (meters: number): number => Math.round(meters * 10) / 10;

/** Inside when within the radius of at least one fence; the verdict names the nearest fence that decided it. */
export function judge(position: Coordinates, fences: readonly GeofenceRow[]): GeofenceVerdict {
  const measured = fences
    .map((fence) => ({ fence, distance: distanceMeters(position, fence) }))
    .sort((a, b) => a.distance - b.distance);
  const nearest = measured[0];
  if (!nearest) return NO_VERDICT;
  const containing = measured.find(({ fence, distance }) => distance <= fence.radius_meters);
  return {
    withinGeofence: containing !== undefined,
    distanceMeters: roundToDecimetre(nearest.distance),
    geofenceId: (containing ?? nearest).fence.id,
  };
}

/**
 * The geofence verdict of a punch at `location` (DESIGN §4). Mode `off`, no location or no applicable fence: no
 * verdict. Mode `warn`: the verdict is recorded, inside or not. Mode `block`: a punch outside every fence is
 * refused with 403 outside_geofence, and one without a position with 400, since the location cannot be checked.
 */
export async function geofenceVerdict(
  db: Db,
  accountId: string,
  employeeId: string,
  location: LocationRow | undefined,
  position: Coordinates | null,
): Promise<GeofenceVerdict> {
  if (!location || location.geofence_mode === 'off') return NO_VERDICT;
  if (!position) {
    if (location.geofence_mode === 'block') {
      throw new ApiError(
        'parameter_invalid',
        `Location ${location.id} only accepts punches inside its geofence: send "latitude" and "longitude".`,
        { param: 'latitude' },
      );
    }
    return NO_VERDICT;
  }
  const verdict = judge(position, await findApplicableGeofences(db, accountId, location.id, employeeId));
  if (location.geofence_mode === 'block' && verdict.withinGeofence === false) {
    throw new ApiError(
      'outside_geofence',
      `The punch is ${verdict.distanceMeters} m from the nearest geofence (${verdict.geofenceId}) of location ${location.id}, which only accepts punches inside its geofences.`,
    );
  }
  return verdict;
}
