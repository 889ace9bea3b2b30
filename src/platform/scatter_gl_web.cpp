// scatter_gl_web.cpp: the chart layer's GPU scatter path on WebGL2 (see
// ui/charts/scatter_renderer.hpp and scatter_gl.hpp). Per chart series (batch key) it
// keeps a vertex buffer of the points (float x, y relative to an origin + RGBA8 colour),
// re-uploaded only when the batch says the data changed, and a framebuffer with a texture
// the size of the plot; each frame it draws the points into the texture with
// shaders/points.vert|frag (embedded in platform/shaders.hpp) and hands the texture to
// ImGui. It queries no GL state (each query can wait on the GPU process): it sets what it
// needs and leaves the canvas's framebuffer bound; the UI renderer (gl_renderer_web.cpp)
// sets all of its own state before it draws.
//
// Contents
//   [1] RAII for GL objects
//   [2] Program
//   [3] The renderer: entries, upload, draw, state save/restore
#include <GLES3/gl3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "platform/scatter_gl.hpp"
#include "platform/shaders.hpp"

namespace rapport::platform {

namespace {

using ui::charts::ScatterBatch;

// =======================================================================================
// [1] RAII for GL objects
// =======================================================================================

// Owns one GL name and deletes it with the matching glDelete* call.
template <void (*Delete)(GLuint)>
class GlName {
public:
    GlName() = default;
    explicit GlName(GLuint name) : name_(name) {}
    ~GlName() { reset(); }
    GlName(const GlName&) = delete;
    GlName& operator=(const GlName&) = delete;
    GlName(GlName&& other) noexcept : name_(std::exchange(other.name_, 0)) {}
    GlName& operator=(GlName&& other) noexcept {
        if (this != &other) {
            reset();
            name_ = std::exchange(other.name_, 0);
        }
        return *this;
    }
    GLuint get() const { return name_; }
    explicit operator bool() const { return name_ != 0; }
    void reset() {
        if (name_ != 0) Delete(name_);
        name_ = 0;
    }

private:
    GLuint name_ = 0;
};

void deleteBuffer(GLuint n) { glDeleteBuffers(1, &n); }
void deleteVertexArray(GLuint n) { glDeleteVertexArrays(1, &n); }
void deleteTexture(GLuint n) { glDeleteTextures(1, &n); }
void deleteFramebuffer(GLuint n) { glDeleteFramebuffers(1, &n); }
void deleteShader(GLuint n) { glDeleteShader(n); }
void deleteProgram(GLuint n) { glDeleteProgram(n); }

using GlBuffer = GlName<deleteBuffer>;
using GlVertexArray = GlName<deleteVertexArray>;
using GlTexture = GlName<deleteTexture>;
using GlFramebuffer = GlName<deleteFramebuffer>;
using GlShader = GlName<deleteShader>;
using GlProgram = GlName<deleteProgram>;

GLuint genBuffer() {
    GLuint n = 0;
    glGenBuffers(1, &n);
    return n;
}
GLuint genVertexArray() {
    GLuint n = 0;
    glGenVertexArrays(1, &n);
    return n;
}
GLuint genTexture() {
    GLuint n = 0;
    glGenTextures(1, &n);
    return n;
}
GLuint genFramebuffer() {
    GLuint n = 0;
    glGenFramebuffers(1, &n);
    return n;
}

// =======================================================================================
// [2] Program
// =======================================================================================

GlShader compile(GLenum type, const char* source, std::string* error) {
    GlShader shader(glCreateShader(type));
    glShaderSource(shader.get(), 1, &source, nullptr);
    glCompileShader(shader.get());
    GLint ok = 0;
    glGetShaderiv(shader.get(), GL_COMPILE_STATUS, &ok);
    if (ok == GL_TRUE) return shader;
    GLint length = 0;
    glGetShaderiv(shader.get(), GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<size_t>(std::max(length, 1)), '\0');
    glGetShaderInfoLog(shader.get(), length, nullptr, log.data());
    *error = std::string(type == GL_VERTEX_SHADER ? "points.vert" : "points.frag") + ": " + log.c_str();
    return GlShader();
}

GlProgram link(std::string* error) {
    GlShader vert = compile(GL_VERTEX_SHADER, shaders::points_vert, error);
    if (!vert) return GlProgram();
    GlShader frag = compile(GL_FRAGMENT_SHADER, shaders::points_frag, error);
    if (!frag) return GlProgram();
    GlProgram program(glCreateProgram());
    glAttachShader(program.get(), vert.get());
    glAttachShader(program.get(), frag.get());
    glLinkProgram(program.get());
    GLint ok = 0;
    glGetProgramiv(program.get(), GL_LINK_STATUS, &ok);
    if (ok != GL_TRUE) {
        GLint length = 0;
        glGetProgramiv(program.get(), GL_INFO_LOG_LENGTH, &length);
        std::string log(static_cast<size_t>(std::max(length, 1)), '\0');
        glGetProgramInfoLog(program.get(), length, nullptr, log.data());
        *error = "points program: " + std::string(log.c_str());
        return GlProgram();
    }
    glDetachShader(program.get(), vert.get());
    glDetachShader(program.get(), frag.get());
    return program;
}

// =======================================================================================
// [3] The renderer
// =======================================================================================

struct Vertex {
    float x, y;       // scaled data units relative to the entry's origin
    uint32_t colour;  // ImU32: bytes R, G, B, A in memory
};
static_assert(sizeof(Vertex) == 12, "the vertex layout below assumes 12 bytes");

// Everything one series keeps on the GPU.
struct Entry {
    ImGuiID key = 0;
    int lastFrame = 0;
    GlBuffer vbo;
    GlVertexArray vao;
    GlTexture texture;
    GlFramebuffer fbo;
    int width = 0, height = 0;  // texture size
    GLsizei count = 0;          // vertices uploaded (finite points only)
    double originX = 0, originY = 0;
    bool uploaded = false;
};

// ImGui draw callbacks around the image: the texture holds premultiplied alpha.
void premultipliedBlend(const ImDrawList*, const ImDrawCmd*) {
    glBlendFuncSeparate(GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
}

constexpr int kForgetAfterFrames = 300;  // a series not drawn for ~5 s gives its GPU memory back

class GlScatterRenderer final : public ui::charts::ScatterRenderer {
public:
    explicit GlScatterRenderer(GlProgram program) : program_(std::move(program)) {
        uScale_ = glGetUniformLocation(program_.get(), "uScale");
        uOffset_ = glGetUniformLocation(program_.get(), "uOffset");
        uPointSize_ = glGetUniformLocation(program_.get(), "uPointSize");
        uAlpha_ = glGetUniformLocation(program_.get(), "uAlpha");
        glGetIntegerv(GL_MAX_TEXTURE_SIZE, &maxTextureSize_);
        GLfloat range[2] = {1, 1};
        glGetFloatv(GL_ALIASED_POINT_SIZE_RANGE, range);
        maxPointSize_ = range[1];
    }

    ImTextureID render(const ScatterBatch& batch) override {
        if (batch.width <= 0 || batch.height <= 0 || batch.width > maxTextureSize_ || batch.height > maxTextureSize_ ||
            batch.count <= 0 || !(batch.xMax > batch.xMin) || !(batch.yMax > batch.yMin)) {
            return ImTextureID{};
        }
        const int frame = ImGui::GetFrameCount();
        forgetUnused(frame, batch.key);
        Entry& e = entryFor(batch.key);
        e.lastFrame = frame;

        const bool ok =
            prepareTarget(e, batch.width, batch.height) && (e.uploaded && !batch.dataChanged ? true : upload(e, batch));
        if (ok) draw(e, batch);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        if (!ok) return ImTextureID{};
        return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.texture.get()));
    }

    void addImage(ImDrawList* drawList, ImTextureID texture, ImVec2 min, ImVec2 max) override {
        drawList->AddCallback(premultipliedBlend, nullptr);
        drawList->AddImage(texture, min, max, ImVec2(0, 1), ImVec2(1, 0));
        drawList->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    }

private:
    Entry& entryFor(ImGuiID key) {
        for (const std::unique_ptr<Entry>& e : entries_) {
            if (e->key == key) return *e;
        }
        entries_.push_back(std::make_unique<Entry>());
        entries_.back()->key = key;
        return *entries_.back();
    }

    void forgetUnused(int frame, ImGuiID keep) {
        entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                      [&](const std::unique_ptr<Entry>& e) {
                                          return e->key != keep &&
                                                 (frame - e->lastFrame > kForgetAfterFrames || e->lastFrame > frame);
                                      }),
                       entries_.end());
    }

    // A texture of exactly width x height behind a framebuffer.
    bool prepareTarget(Entry& e, int width, int height) {
        if (e.texture && e.fbo && e.width == width && e.height == height) return true;
        if (!e.texture) e.texture = GlTexture(genTexture());
        if (!e.fbo) e.fbo = GlFramebuffer(genFramebuffer());
        glBindTexture(GL_TEXTURE_2D, e.texture.get());
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glBindFramebuffer(GL_FRAMEBUFFER, e.fbo.get());
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, e.texture.get(), 0);
        if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
            e.texture.reset();
            e.fbo.reset();
            e.width = e.height = 0;
            return false;
        }
        e.width = width;
        e.height = height;
        return true;
    }

    // Points (scaled units, relative to the centre of their bounding box so float32 keeps
    // precision) and colours into the entry's buffer. Non-finite points are left out.
    bool upload(Entry& e, const ScatterBatch& batch) {
        auto scaled = [](double v, bool log) { return log ? (v > 0 ? std::log10(v) : NAN) : v; };
        double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
        for (int i = 0; i < batch.count; ++i) {
            const ui::charts::ChartPoint p = batch.point(i);
            const double sx = scaled(p.x, batch.logX), sy = scaled(p.y, batch.logY);
            if (!std::isfinite(sx) || !std::isfinite(sy)) continue;
            x0 = std::min(x0, sx);
            x1 = std::max(x1, sx);
            y0 = std::min(y0, sy);
            y1 = std::max(y1, sy);
        }
        e.originX = std::isfinite(x0) ? (x0 + x1) / 2 : 0;
        e.originY = std::isfinite(y0) ? (y0 + y1) / 2 : 0;
        staging_.clear();
        staging_.reserve(static_cast<size_t>(batch.count));
        for (int i = 0; i < batch.count; ++i) {
            const ui::charts::ChartPoint p = batch.point(i);
            const double sx = scaled(p.x, batch.logX), sy = scaled(p.y, batch.logY);
            if (!std::isfinite(sx) || !std::isfinite(sy)) continue;
            staging_.push_back(Vertex{static_cast<float>(sx - e.originX), static_cast<float>(sy - e.originY),
                                      static_cast<uint32_t>(batch.colourOf(i))});
        }
        if (!e.vbo) e.vbo = GlBuffer(genBuffer());
        if (!e.vao) {
            e.vao = GlVertexArray(genVertexArray());
            glBindVertexArray(e.vao.get());
            glBindBuffer(GL_ARRAY_BUFFER, e.vbo.get());
            glEnableVertexAttribArray(0);
            glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(Vertex), reinterpret_cast<const void*>(0));
            glEnableVertexAttribArray(1);
            glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(Vertex),
                                  reinterpret_cast<const void*>(offsetof(Vertex, colour)));
        }
        glBindBuffer(GL_ARRAY_BUFFER, e.vbo.get());
        while (glGetError() != GL_NO_ERROR) {
        }  // only errors of this upload count below
        glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(staging_.size() * sizeof(Vertex)), staging_.data(),
                     GL_STATIC_DRAW);
        e.count = static_cast<GLsizei>(staging_.size());
        e.uploaded = glGetError() == GL_NO_ERROR;  // GL_OUT_OF_MEMORY: stay on the CPU
        return e.uploaded;
    }

    void draw(const Entry& e, const ScatterBatch& batch) {
        glBindFramebuffer(GL_FRAMEBUFFER, e.fbo.get());
        glViewport(0, 0, e.width, e.height);
        glDisable(GL_SCISSOR_TEST);
        glDisable(GL_DEPTH_TEST);
        glDisable(GL_CULL_FACE);
        glClearColor(0, 0, 0, 0);
        glClear(GL_COLOR_BUFFER_BIT);
        if (e.count == 0) return;
        glEnable(GL_BLEND);
        glBlendEquation(GL_FUNC_ADD);
        glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
        glUseProgram(program_.get());
        // clip = (origin + p - min) / (max - min) * 2 - 1, folded in double precision.
        const double sx = 2.0 / (batch.xMax - batch.xMin), sy = 2.0 / (batch.yMax - batch.yMin);
        glUniform2f(uScale_, static_cast<float>(sx), static_cast<float>(sy));
        glUniform2f(uOffset_, static_cast<float>((e.originX - batch.xMin) * sx - 1.0),
                    static_cast<float>((e.originY - batch.yMin) * sy - 1.0));
        glUniform1f(uPointSize_, std::clamp(batch.pointSize, 1.0f, maxPointSize_));
        glUniform1f(uAlpha_, std::clamp(batch.alpha, 0.0f, 1.0f));
        glBindVertexArray(e.vao.get());
        glDrawArrays(GL_POINTS, 0, e.count);
    }

    GlProgram program_;
    GLint uScale_ = -1, uOffset_ = -1, uPointSize_ = -1, uAlpha_ = -1;
    GLint maxTextureSize_ = 0;
    float maxPointSize_ = 1;
    std::vector<std::unique_ptr<Entry>> entries_;  // stable addresses: a GL name lives in each
    std::vector<Vertex> staging_;                  // reused between uploads
};

}  // namespace

std::unique_ptr<ui::charts::ScatterRenderer> makeGlScatterRenderer(std::string* error) {
    std::string reason;
    GlProgram program = link(&reason);
    if (!program) {
        if (error != nullptr) *error = reason;
        return nullptr;
    }
    return std::make_unique<GlScatterRenderer>(std::move(program));
}

}  // namespace rapport::platform
