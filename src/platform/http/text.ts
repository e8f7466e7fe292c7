/**
 * The pattern of a text field that must hold more than whitespace (names, codes). Services trim such fields before
 * storing them, so validating this pattern is "trim, then check minLength 1"; the error handler words its failure
 * as "must not be blank".
 */
export const NOT_BLANK = '\\S';
