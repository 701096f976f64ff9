/** The one function of h5wasm-plugins (ES module, no types of its own) the HDF5 reader uses. */
declare module 'h5wasm-plugins' {
  /** Puts the package's compression plugins (blosc, zstd, lz4, bzip2…) first on the HDF5 plugin search path of h5wasm's module. */
  export function install_local_plugins(module: object): void;
}
