import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "bin/**", "coverage/**", "jest.config.js", "tools/jest-summary.js"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    // The Pulumi rules need type information (an Output inside a template literal is a type fact).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // Stand-ins the payload tests run with plain node (CommonJS).
  { files: ["test/support/stand-ins/*.js"], languageOptions: { sourceType: "commonjs" }, rules: { "@typescript-eslint/no-require-imports": "off" } },
);
