'use strict';
// A fake wx object for the generated helpers: records every call and answers
// as the options say. Not a test file (no .test.js suffix).

const path = require('node:path');

/** Loads a generated module afresh, so each test starts with clean return state. */
function load(name) {
  const file = path.join(__dirname, '..', 'generated', 'js', name + '.js');
  delete require.cache[require.resolve(file)];
  return require(file);
}

/**
 * opts.sdk: SDKVersion ('' unknown, null: getSystemInfoSync throws);
 * opts.appBaseInfo: SDKVersion reported by getAppBaseInfo (absent when undefined);
 * opts.canIUse: the answer of wx.canIUse; opts.openBusinessView / opts.navigateToMiniProgram: false removes the API;
 * opts.fail: make navigate/openBusinessView fail; opts.checkJsApi: the checkResult value;
 * opts.errCode: the err_code wx.invoke calls back with.
 */
function fakeWx(opts = {}) {
  const calls = [];
  const answer = (api, args) => {
    calls.push([api, args]);
    if (opts.fail) args.fail({ errMsg: api + ':fail cancel' });
    else args.success({ errMsg: api + ':ok' });
  };
  const w = {
    calls,
    getSystemInfoSync() {
      calls.push(['getSystemInfoSync']);
      if (opts.sdk === null) throw new Error('not supported');
      return { SDKVersion: opts.sdk === undefined ? '2.10.0' : opts.sdk };
    },
    canIUse(name) {
      calls.push(['canIUse', name]);
      return !!opts.canIUse;
    },
    checkJsApi(args) {
      calls.push(['checkJsApi', args]);
      args.success({ checkResult: { openBusinessView: opts.checkJsApi !== false }, errMsg: 'checkJsApi:ok' });
    },
    invoke(api, args, cb) {
      calls.push(['invoke', api, args]);
      cb({ err_code: opts.errCode === undefined ? '0' : opts.errCode });
    },
  };
  if (opts.navigateToMiniProgram !== false) w.navigateToMiniProgram = (args) => answer('navigateToMiniProgram', args);
  if (opts.openBusinessView !== false) w.openBusinessView = (args) => answer('openBusinessView', args);
  if (opts.appBaseInfo !== undefined) {
    w.getAppBaseInfo = () => {
      calls.push(['getAppBaseInfo']);
      return { SDKVersion: opts.appBaseInfo };
    };
  }
  return w;
}

function apis(w) {
  return w.calls.map((c) => c[0]);
}

module.exports = { load, fakeWx, apis };
