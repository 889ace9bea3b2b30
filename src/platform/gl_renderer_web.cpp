#include "platform/gl_renderer_web.hpp"

#include <GLES3/gl3.h>
#include <emscripten.h>
#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "platform/shaders.hpp"

namespace rapport::platform {

namespace {

struct Renderer {
    GLuint program = 0;
    GLint projection = -1, texture = -1;
    GLuint vao = 0, vertices = 0, indices = 0;
    GLuint fontTexture = 0;
};
Renderer gRenderer;

GLuint compile(GLenum kind, const char* source) {
    const GLuint shader = glCreateShader(kind);
    glShaderSource(shader, 1, &source, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (ok == 0) {
        char log[1024] = {};
        glGetShaderInfoLog(shader, sizeof log, nullptr, log);
        std::fprintf(stderr, "UI shader did not compile: %s\n", log);
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

bool initUiRenderer() {
    Renderer& r = gRenderer;
    const GLuint vs = compile(GL_VERTEX_SHADER, shaders::ui_vert);
    const GLuint fs = compile(GL_FRAGMENT_SHADER, shaders::ui_frag);
    if (vs == 0 || fs == 0) return false;
    r.program = glCreateProgram();
    glAttachShader(r.program, vs);
    glAttachShader(r.program, fs);
    glLinkProgram(r.program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(r.program, GL_LINK_STATUS, &ok);
    if (ok == 0) {
        char log[1024] = {};
        glGetProgramInfoLog(r.program, sizeof log, nullptr, log);
        std::fprintf(stderr, "UI shaders did not link: %s\n", log);
        return false;
    }
    r.projection = glGetUniformLocation(r.program, "uProjection");
    r.texture = glGetUniformLocation(r.program, "uTexture");

    // One VAO for the app's lifetime: the attribute layout never changes.
    glGenVertexArrays(1, &r.vao);
    glGenBuffers(1, &r.vertices);
    glGenBuffers(1, &r.indices);
    glBindVertexArray(r.vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.vertices);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r.indices);
    glEnableVertexAttribArray(0);
    glEnableVertexAttribArray(1);
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
    glBindVertexArray(0);

    ImGuiIO& io = ImGui::GetIO();
    io.BackendRendererName = "rapport_webgl2";
    return true;
}

void createUiFontTexture() {
    destroyUiFontTexture();
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    glGenTextures(1, &gRenderer.fontTexture);
    glBindTexture(GL_TEXTURE_2D, gRenderer.fontTexture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(gRenderer.fontTexture)));
}

void destroyUiFontTexture() {
    if (gRenderer.fontTexture == 0) return;
    glDeleteTextures(1, &gRenderer.fontTexture);
    gRenderer.fontTexture = 0;
    ImGui::GetIO().Fonts->SetTexID(nullptr);
}

namespace {

// The state ImGui's triangles need: alpha blending, no culling or depth, scissor on, our
// program, buffers and texture unit. Set at the start of a frame and again when a draw
// callback asks for it (ImDrawCallback_ResetRenderState, after it changed GL state).
void setupRenderState(const ImDrawData* data, int fbWidth, int fbHeight) {
    const Renderer& r = gRenderer;
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_CULL_FACE);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_STENCIL_TEST);
    glEnable(GL_SCISSOR_TEST);
    glViewport(0, 0, fbWidth, fbHeight);

    const float L = data->DisplayPos.x, R = data->DisplayPos.x + data->DisplaySize.x;
    const float T = data->DisplayPos.y, B = data->DisplayPos.y + data->DisplaySize.y;
    const float projection[4][4] = {
        {2.0f / (R - L), 0.0f, 0.0f, 0.0f},
        {0.0f, 2.0f / (T - B), 0.0f, 0.0f},
        {0.0f, 0.0f, -1.0f, 0.0f},
        {(R + L) / (L - R), (T + B) / (B - T), 0.0f, 1.0f},
    };
    glUseProgram(r.program);
    glUniform1i(r.texture, 0);
    glUniformMatrix4fv(r.projection, 1, GL_FALSE, &projection[0][0]);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(r.vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.vertices);
}

}  // namespace

void renderUi(const ImDrawData* data, int fbWidth, int fbHeight) {
    const Renderer& r = gRenderer;
    if (data == nullptr || fbWidth <= 0 || fbHeight <= 0 || r.program == 0) return;
    setupRenderState(data, fbWidth, fbHeight);

    const ImVec2 clipOffset = data->DisplayPos;
    const ImVec2 clipScale = data->FramebufferScale;
    constexpr GLenum kIndexType = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
    GLuint boundTexture = 0;
    for (int n = 0; n < data->CmdListsCount; ++n) {
        const ImDrawList* list = data->CmdLists[n];
        glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->VtxBuffer.Size) * static_cast<GLsizeiptr>(sizeof(ImDrawVert)),
                     list->VtxBuffer.Data, GL_STREAM_DRAW);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->IdxBuffer.Size) * static_cast<GLsizeiptr>(sizeof(ImDrawIdx)),
                     list->IdxBuffer.Data, GL_STREAM_DRAW);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback != nullptr) {
                if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
                    setupRenderState(data, fbWidth, fbHeight);
                } else {
                    cmd.UserCallback(list, &cmd);
                }
                boundTexture = 0;
                continue;
            }
            const ImVec2 clipMin((cmd.ClipRect.x - clipOffset.x) * clipScale.x, (cmd.ClipRect.y - clipOffset.y) * clipScale.y);
            const ImVec2 clipMax((cmd.ClipRect.z - clipOffset.x) * clipScale.x, (cmd.ClipRect.w - clipOffset.y) * clipScale.y);
            if (clipMax.x <= clipMin.x || clipMax.y <= clipMin.y) continue;
            glScissor(static_cast<GLint>(clipMin.x), static_cast<GLint>(static_cast<float>(fbHeight) - clipMax.y),
                      static_cast<GLsizei>(clipMax.x - clipMin.x), static_cast<GLsizei>(clipMax.y - clipMin.y));
            const auto texture = static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID()));
            if (texture != boundTexture) {
                glBindTexture(GL_TEXTURE_2D, texture);
                boundTexture = texture;
            }
            // WebGL2 has no base-vertex draws: ImGui keeps VtxOffset at 0 without
            // ImGuiBackendFlags_RendererHasVtxOffset, which this renderer does not set.
            glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount), kIndexType,
                           reinterpret_cast<void*>(static_cast<intptr_t>(cmd.IdxOffset * sizeof(ImDrawIdx))));
        }
    }
    glBindVertexArray(0);
    glDisable(GL_SCISSOR_TEST);
}

namespace {

// The unmasked renderer where the browser gives it (WEBGL_debug_renderer_info), else the
// plain one: Chrome names SwiftShader, Firefox llvmpipe and Windows its Basic Render Driver.
EM_JS(int, js_software_renderer, (), {
    try {
        const info = GLctx.getExtension("WEBGL_debug_renderer_info");
        const name = String(GLctx.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : GLctx.RENDERER) || "");
        return /swiftshader|llvmpipe|softpipe|basic render driver|software/i.test(name) ? 1 : 0;
    } catch (e) {
        return 0;
    }
});

}  // namespace

bool isSoftwareRenderer() { return js_software_renderer() != 0; }

}  // namespace rapport::platform
