// highlight.js: Python token colours for the editor, as CSS variables.
//
// One HighlightStyle whose colours are var(--hl-*) so that the light/dark switch is
// pure CSS (prefers-color-scheme), with no second editor theme to keep in sync.
import { HighlightStyle } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

export const themedHighlightStyle = HighlightStyle.define([
  { tag: t.keyword, color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: [t.controlKeyword, t.moduleKeyword, t.definitionKeyword], color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: [t.string, t.special(t.string)], color: 'var(--hl-string)' },
  { tag: [t.number, t.bool, t.null], color: 'var(--hl-number)' },
  { tag: t.comment, color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--hl-function)' },
  { tag: t.definition(t.variableName), color: 'var(--hl-def)' },
  { tag: [t.className, t.definition(t.className)], color: 'var(--hl-class)' },
  { tag: t.operator, color: 'var(--hl-operator)' },
  { tag: t.propertyName, color: 'var(--hl-property)' },
  { tag: t.self, color: 'var(--hl-keyword)' },
]);
