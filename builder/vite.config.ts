import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The builder: a static SPA served by the server at `/` (builder/dist). */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    host: '127.0.0.1',
    // During development the API runs on the real server (npm start, port 3000).
    proxy: { '/api': 'http://127.0.0.1:3000', '/sandbox': 'http://127.0.0.1:3000' },
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
