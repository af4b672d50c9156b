// Package specfs embeds the spec files, so programs built from this module
// (the simulator, `payscoregen sim`) work from any directory. The package
// name differs from the directory because internal/spec is the model.
package specfs

// This repository's own generation (make generate does the same). Generated
// code carries no go:generate line: in another module it would point here.
//go:generate go run ../cmd/payscoregen generate -spec . -out ../generated -schema schema.json

import (
	"embed"
	"io/fs"
)

//go:embed */*.yaml
var files embed.FS

// FS returns the spec files laid out as under spec/
// (acquiringbank/permissions.yaml, common/errors.yaml, ...). Load it with
// internal/spec.LoadFS(specfs.FS(), "spec").
func FS() fs.FS { return files }
