package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/payscoregen/payscoregen/internal/gen"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/internal/writer"
)

func runGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", "generate [-spec DIR] [-out DIR] [-schema FILE]", stderr)
	specDir := fs.String("spec", "spec", "spec directory")
	out := fs.String("out", "generated", "output directory, replaced as a whole")
	schema := fs.String("schema", "", "where to write the spec's JSON Schema (default <spec>/schema.json; - for none)")
	importBase := fs.String("import", "", "import path of the output directory (default: from the go.mod above -out)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	prog, err := loadProgram(*specDir, *out, *importBase, "nothing was written")
	if err != nil {
		return err
	}
	s := prog.Spec
	files, err := gen.Render(prog, gen.Options{GenerateDirective: gen.Directive(*specDir, *out, s)})
	if err != nil {
		return fmt.Errorf("generate: %w; nothing was written", err)
	}
	if err := writer.WriteTree(*out, files); err != nil {
		return err
	}
	if *schema != "-" {
		path := *schema
		if path == "" {
			path = filepath.Join(*specDir, "schema.json")
		}
		if err := writeFileAtomic(path, spec.JSONSchema()); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %d files from %s (%s)\n", *out, len(files), *specDir, s.Summary())
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
