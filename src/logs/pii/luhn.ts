/**
 * The Luhn (mod 10) check digit test used by payment card numbers.
 * @see ISO/IEC 7812-1:2017, annex B (Luhn formula for computing the check digit)
 */

/** True when the decimal digits of `digits` (other characters ignored) pass the Luhn check; false for no digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let n = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    const c = digits.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = c;
    if (n % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    n++;
  }
  return n > 0 && sum % 10 === 0;
}
