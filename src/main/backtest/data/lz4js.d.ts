/** The one function of lz4js (LZ4 frame format, CommonJS, no types of its own) the Feather reader uses. */
declare module 'lz4js' {
  const lz4: { decompress(src: Uint8Array, maxSize?: number): Uint8Array };
  export default lz4;
}
