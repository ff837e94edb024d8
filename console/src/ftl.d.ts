// Vite's `?raw` suffix imports a file's text (the .ftl files are bundled, never fetched).
declare module '*.ftl?raw' {
  const text: string;
  export default text;
}
