/** Types of snappyjs 0.7 (the package ships none): Snappy block format, raw (not framed). */
declare module 'snappyjs' {
  /**
   * Decompresses a Snappy block. @throws Error('Invalid Snappy bitstream') for bad data, or when the declared
   * uncompressed length exceeds `maxLength`.
   */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  /** Compresses into a Snappy block. */
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}
