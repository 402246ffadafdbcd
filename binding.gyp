# Fallback build for machines without cmake (node-gyp, CPU kernels only). The source list is
# native/sources.txt, shared with CMakeLists.txt so the two builds cannot drift.
{
  "targets": [
    {
      "target_name": "kindling",
      "sources": ["<!@(node -p \"require('fs').readFileSync('native/sources.txt','utf8').trim().split(/\\s+/).join(' ')\")"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3"],
      "cflags!": ["-fno-exceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      },
      "conditions": [
        ["OS=='linux' and target_arch=='x64'", {
          "variables": {
            "openblas_static": "<!(node -p \"require('fs').existsSync('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.a') ? 1 : 0\")"
          },
          "conditions": [
            ["openblas_static==1", {
              "defines": ["KINDLING_HAVE_OPENBLAS"],
              "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread"],
              "libraries": ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.a", "-Wl,--exclude-libs,ALL", "-lpthread", "-lm"]
            }]
          ]
        }]
      ]
    }
  ]
}
