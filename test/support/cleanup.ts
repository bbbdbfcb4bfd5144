/** Runs after each test file: removes the temp directories its tests created. */
import { removeTempDirs } from "./proc";

afterAll(() => removeTempDirs());
