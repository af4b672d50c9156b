// Package templates holds the text templates of the generated files that are
// not Go (the mini-program JS helper and its TypeScript declarations),
// embedded so the generator works from any directory.
package templates

import "embed"

// FS holds every *.tmpl file of this directory.
//
//go:embed *.tmpl
var FS embed.FS
