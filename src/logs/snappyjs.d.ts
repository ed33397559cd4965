/** Types of the `snappyjs` package (plain JavaScript, no bundled declarations): raw snappy blocks. */
declare module 'snappyjs' {
  /** Compresses a buffer into one snappy block (same type out as in). */
  export function compress<T extends Uint8Array | ArrayBuffer>(input: T): T;
  /** Decompresses one snappy block; throws when it is invalid or its length exceeds `maxLength`. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(input: T, maxLength?: number): T;
  const snappy: { compress: typeof compress; uncompress: typeof uncompress };
  export default snappy;
}
