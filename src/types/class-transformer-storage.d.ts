/** class-transformer ships this module without a .d.ts beside it; its types live under types/. */
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
