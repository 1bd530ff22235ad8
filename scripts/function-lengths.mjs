#!/usr/bin/env node
// Lists functions longer than a limit (default 80 lines) under the given directories, longest first.
// Used to keep services/ readable as named steps (DEVELOPERS.md); exits 1 when any function is over.
// Usage: node scripts/function-lengths.mjs [--max N] src/services [more dirs]
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import ts from 'typescript'

const args = process.argv.slice(2)
let max = 80
const dirs = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max') max = Number(args[++i])
  else dirs.push(args[i])
}
if (dirs.length === 0) dirs.push('src/services')

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else if (path.endsWith('.ts')) yield path
  }
}

function nameOf(node, source) {
  if (node.name) return node.name.getText(source)
  const parent = node.parent
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return parent.name.getText(source)
  return '(anonymous)'
}

const found = []
for (const dir of dirs) {
  for (const file of files(dir)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const visit = (node) => {
      if (ts.isFunctionLike(node) && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
        const lines = end - start + 1
        if (lines > max) found.push({file, line: start + 1, name: nameOf(node, source), lines})
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
}
found.sort((a, b) => b.lines - a.lines)
for (const f of found) console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`)
if (found.length > 0) process.exitCode = 1
