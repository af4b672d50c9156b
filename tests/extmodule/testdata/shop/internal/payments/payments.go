// Package payments is a shop's own code around the Pay Score client it
// generates from its copy of the spec: the acquiring-bank API into
// internal/wxpay (package wxpay), the shared types and error codes it uses
// into internal/payscore.
package payments

//go:generate go tool payscoregen generate -spec ../../payscore/spec -pkg acquiringbank=../wxpay -pkg payscore=../payscore

import (
	"context"

	"example.com/shop/internal/wxpay"
)

// Apply asks for an apply_permissions_token for the user's authorization code.
func Apply(ctx context.Context, c *wxpay.Client, code, notifyURL string) (string, error) {
	resp, _, err := c.ApplyPermissions(ctx, &wxpay.ApplyPermissionsRequest{
		ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787",
		SubAppID: "wxd678efh567hg6786", SubMchID: "1900000110",
		AuthorizationCode: code, NotifyURL: notifyURL,
	})
	if err != nil {
		return "", err
	}
	return resp.ApplyPermissionsToken, nil
}
