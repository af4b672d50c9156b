package main

import (
	"io"

	"github.com/payscoregen/payscoregen/internal/spec"
)

func runSchema(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("schema", "schema > spec/schema.json", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, err := stdout.Write(spec.JSONSchema())
	return err
}
