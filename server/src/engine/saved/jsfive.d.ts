/** The part of jsfive (a pure-JavaScript HDF5 reader) that hdf5.ts uses; the package ships no types. */
declare module 'jsfive' {
  export class File {
    constructor(buffer: ArrayBuffer, filename: string);
    readonly attrs: Record<string, unknown>;
  }
}
