import { defineConfig } from 'tsup';
import { libraryBuild, webBuild } from '../../tsup.base.ts';

export default defineConfig([libraryBuild, webBuild]);
