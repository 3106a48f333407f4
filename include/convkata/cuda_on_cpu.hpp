// CUDA on the CPU: just enough of CUDA C++ to run chapter 11's kernels on a
// machine without a GPU, so that a learner's kernels are tested everywhere.
//
// A .cu file that includes this header instead of <cuda_runtime.h> compiles
// as ordinary C++. Each block of a launch runs on the calling CPU thread, its
// threads as fibers (ucontext) taking turns: a thread runs until it reaches a
// barrier (__syncthreads, __syncwarp, a shuffle) or returns; when every thread
// is waiting, the barrier opens. That keeps CUDA's rules and makes breaking
// them visible, the same way every run:
//
//   * a missing __syncthreads shows as wrong numbers: thread 0 runs on and
//     overwrites, or reads, shared memory the others have not reached yet;
//   * a __syncthreads that some threads skip (an early return, a divergent
//     branch) or threads waiting at different barriers is an error;
//   * cudaMalloc memory starts as NaN, and a guard page follows every buffer:
//     a read of memory never written shows as NaN, and a thread that goes
//     past the end of a buffer is stopped with an error naming the buffer;
//   * dynamic shared memory (the launch's third number, dynamic_shared<T>())
//     starts every block as NaN and is guarded the same way;
//   * a launch with an impossible shape fails in cudaGetLastError() with
//     CUDA's error, as on a GPU.
//
// What it is not: fast (a fiber switch per thread and barrier), a model of
// warps running in lockstep, or of timing. Static __shared__ arrays become
// function-level statics: shared by the block, kept between blocks.
//
// Supported: __global__/__device__/__host__, __shared__, threadIdx, blockIdx,
// blockDim, gridDim, __syncthreads, __syncwarp, __shfl_sync/_up/_down/_xor,
// atomicAdd/Max/Min/Exch, cudaMalloc/Free/Memcpy/Memset, cudaGetDeviceCount,
// cudaGetLastError/PeekAtLastError, cudaDeviceSynchronize, cudaGetErrorString.
#pragma once

#if defined(__CUDACC__)
#error "convkata/cuda_on_cpu.hpp is the CPU stand-in for CUDA: nvcc has the real one"
#endif

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
// Shared by the block's threads (all fibers of one CPU thread) and, unlike on
// a GPU, kept from one block to the next.
#define __shared__ static

struct uint3 {
    unsigned int x = 0, y = 0, z = 0;
};

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
};

enum cudaError_t : int {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorLaunchFailure = 719,
};

enum cudaMemcpyKind : int {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4,
};

namespace convkata::cuda_on_cpu {

constexpr unsigned int warp_size = 32;
constexpr unsigned int max_threads_per_block = 1024;
constexpr std::size_t max_dynamic_shared_bytes = 48 * 1024;  // without cudaFuncSetAttribute
constexpr std::size_t fiber_stack_bytes = 256 * 1024;

// ------------------------------------------------------------ memory ---

// A buffer placed so that its last byte ends where a PROT_NONE page begins.
struct Region {
    char* mapping = nullptr;  // start of the whole mapping
    std::size_t mapping_bytes = 0;
    char* data = nullptr;      // what the caller gets
    std::size_t bytes = 0;     // what the caller asked for
    std::string what;          // for messages: "a cudaMalloc buffer of 100 floats"
};

inline std::size_t page_bytes() {
    static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return page;
}

// All guarded regions by the address of their guard page, to name the buffer
// a faulting address belongs to.
inline std::map<const char*, Region>& regions() {
    static std::map<const char*, Region> all;
    return all;
}

inline void fill_nan(void* data, std::size_t bytes) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    auto* f = static_cast<float*>(data);
    for (std::size_t i = 0; i < bytes / sizeof(float); ++i) f[i] = nan;
}

inline char* map_guarded(std::size_t bytes, const std::string& what) {
    const std::size_t page = page_bytes();
    const std::size_t rounded = (bytes + 15) / 16 * 16;  // keep data 16-byte aligned
    const std::size_t data_pages = (rounded + page - 1) / page;
    const std::size_t mapping_bytes = (data_pages + 1) * page;
    void* mapping = mmap(nullptr, mapping_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) return nullptr;
    char* guard = static_cast<char*>(mapping) + data_pages * page;
    mprotect(guard, page, PROT_NONE);
    Region region{static_cast<char*>(mapping), mapping_bytes, guard - rounded, bytes, what};
    fill_nan(region.mapping, data_pages * page);  // the slack before the data reads as NaN too
    regions()[guard] = region;
    return region.data;
}

inline bool unmap_guarded(const void* data) {
    for (auto it = regions().begin(); it != regions().end(); ++it) {
        if (it->second.data == data) {
            munmap(it->second.mapping, it->second.mapping_bytes);
            regions().erase(it);
            return true;
        }
    }
    return false;
}

// The region whose guard page holds `address`, if any.
inline const Region* region_guarding(const void* address) {
    const char* a = static_cast<const char*>(address);
    auto it = regions().upper_bound(a);
    if (it == regions().begin()) return nullptr;
    --it;
    return a < it->first + page_bytes() ? &it->second : nullptr;
}

// ------------------------------------------------------------ errors ---

struct ErrorState {
    cudaError_t last = cudaSuccess;
    std::string detail;
};

inline ErrorState& error_state() {
    static ErrorState state;
    return state;
}

inline cudaError_t fail(cudaError_t error, const std::string& detail) {
    error_state().last = error;
    error_state().detail = detail;
    return error;
}

// A kernel broke a rule of CUDA that a GPU would punish with wrong numbers,
// a hang or an illegal-address error.
class kernel_fault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// ------------------------------------------------------------ fibers ---

enum class Waiting { nothing, block_barrier, warp_barrier, finished };

struct Fiber {
    ucontext_t context{};
    char* stack = nullptr;  // fiber_stack_bytes, a guard page below
    uint3 thread;
    unsigned int linear = 0;  // x + y * blockDim.x + z * blockDim.x * blockDim.y
    Waiting waiting = Waiting::nothing;
    const void* barrier_site = nullptr;  // which __syncthreads/__syncwarp it waits at
    std::uint64_t exchange = 0;          // a shuffle's value
};

struct Launch {
    dim3 grid, block;
    uint3 block_index;
    std::function<void()> body;
    std::vector<Fiber>* fibers = nullptr;
    Fiber* current = nullptr;
    ucontext_t scheduler{};
    std::exception_ptr error;
    char* dynamic_shared = nullptr;
    std::size_t dynamic_shared_bytes = 0;
    const void* fault_address = nullptr;  // set by the SIGSEGV handler
};

inline Launch*& active_launch() {
    static Launch* launch = nullptr;
    return launch;
}

inline Launch& in_kernel(const char* what) {
    Launch* launch = active_launch();
    if (!launch || !launch->current) {
        throw std::logic_error(std::string(what) + " used outside a kernel (cuda_on_cpu)");
    }
    return *launch;
}

// Fiber stacks, kept between launches: makecontext is cheap, mmap is not.
inline std::vector<char*>& stack_pool() {
    static std::vector<char*> pool;
    return pool;
}

inline char* fiber_stack(std::size_t index) {
    auto& pool = stack_pool();
    while (pool.size() <= index) {
        const std::size_t page = page_bytes();
        void* mapping = mmap(nullptr, fiber_stack_bytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                             -1, 0);
        if (mapping == MAP_FAILED) throw std::bad_alloc();
        mprotect(mapping, page, PROT_NONE);  // a runaway stack faults instead of overwriting a neighbour
        pool.push_back(static_cast<char*>(mapping) + page);
    }
    return pool[index];
}

inline void fiber_main() {
    Launch& launch = *active_launch();
    try {
        launch.body();
    } catch (...) {
        launch.error = std::current_exception();
    }
    launch.current->waiting = Waiting::finished;
    // Returning resumes uc_link: the scheduler.
}

// The running thread gives way until the scheduler opens its barrier.
inline void wait_at(Waiting kind, const void* site) {
    Launch& launch = in_kernel("a barrier");
    Fiber& self = *launch.current;
    self.waiting = kind;
    self.barrier_site = site;
    swapcontext(&self.context, &launch.scheduler);
}

inline std::string coordinates(const uint3& v) {
    return "(" + std::to_string(v.x) + ", " + std::to_string(v.y) + ", " + std::to_string(v.z) + ")";
}

// Synchronous faults in a kernel thread end that launch, not the program: the
// handler jumps back to the scheduler, which reports the fault as an error.
inline void on_fault(int, siginfo_t* info, void*) {
    Launch* launch = active_launch();
    if (!launch || !launch->current) {
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        return;  // not ours: the fault repeats and the default action ends the program
    }
    launch->fault_address = info->si_addr;
    setcontext(&launch->scheduler);
}

struct FaultHandler {
    struct sigaction old_segv{}, old_bus{};
    stack_t old_stack{};
    std::unique_ptr<char[]> stack = std::make_unique<char[]>(64 * 1024);
    FaultHandler() {
        stack_t alternate{};
        alternate.ss_sp = stack.get();
        alternate.ss_size = 64 * 1024;
        sigaltstack(&alternate, &old_stack);  // a fiber that overflowed its stack cannot run the handler
        struct sigaction action{};
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        sigaction(SIGSEGV, &action, &old_segv);
        sigaction(SIGBUS, &action, &old_bus);
    }
    ~FaultHandler() {
        sigaction(SIGSEGV, &old_segv, nullptr);
        sigaction(SIGBUS, &old_bus, nullptr);
        sigaltstack(&old_stack, nullptr);
    }
    FaultHandler(const FaultHandler&) = delete;
    FaultHandler& operator=(const FaultHandler&) = delete;
};

inline std::string describe_fault(const Launch& launch, const Fiber& fiber) {
    std::ostringstream message;
    message << "cuda_on_cpu: thread " << coordinates(fiber.thread) << " of block " << coordinates(launch.block_index)
            << " ";
    const char* address = static_cast<const char*>(launch.fault_address);
    if (const Region* region = region_guarding(address)) {
        message << "read or wrote " << (address - (region->data + region->bytes))
                << " bytes past the end of " << region->what
                << " (a thread past the end of the data, or an index too big; on a GPU: an illegal address or "
                   "silently wrong numbers)";
    } else {
        const auto& pool = stack_pool();
        const bool stack = std::any_of(pool.begin(), pool.end(), [&](const char* s) {
            return address >= s - page_bytes() && address < s;
        });
        if (stack) {
            message << "overflowed its " << fiber_stack_bytes / 1024 << " KiB stack (deep recursion, or a huge local array)";
        } else {
            message << "accessed an invalid address " << static_cast<const void*>(address)
                    << " (a host pointer in a kernel, a null or freed pointer, or an index far out of range)";
        }
    }
    return message.str();
}

// Runs one block: every thread to its first barrier, then barrier by barrier.
inline void run_block(Launch& launch) {
    std::vector<Fiber>& fibers = *launch.fibers;
    for (Fiber& fiber : fibers) {
        getcontext(&fiber.context);
        fiber.context.uc_stack.ss_sp = fiber.stack;
        fiber.context.uc_stack.ss_size = fiber_stack_bytes;
        fiber.context.uc_link = &launch.scheduler;
        makecontext(&fiber.context, fiber_main, 0);
        fiber.waiting = Waiting::nothing;
        fiber.barrier_site = nullptr;
    }
    if (launch.dynamic_shared) fill_nan(launch.dynamic_shared, launch.dynamic_shared_bytes);

    const std::size_t warps = (fibers.size() + warp_size - 1) / warp_size;
    for (;;) {
        for (Fiber& fiber : fibers) {
            if (fiber.waiting != Waiting::nothing) continue;
            launch.current = &fiber;
            launch.fault_address = nullptr;
            // Back here when the thread waits, returns, or faults (the handler's setcontext).
            swapcontext(&launch.scheduler, &fiber.context);
            if (launch.fault_address) throw kernel_fault(describe_fault(launch, fiber));
            if (launch.error) std::rethrow_exception(launch.error);
        }
        launch.current = nullptr;

        // Nobody can run: open a barrier, or say why none can open.
        bool opened = false;
        for (std::size_t w = 0; w < warps; ++w) {
            const std::size_t first = w * warp_size, last = std::min(fibers.size(), first + warp_size);
            bool any = false, all = true;
            const void* site = nullptr;
            for (std::size_t i = first; i < last; ++i) {
                if (fibers[i].waiting == Waiting::finished) continue;
                if (fibers[i].waiting != Waiting::warp_barrier) {
                    all = false;
                    break;
                }
                if (any && fibers[i].barrier_site != site) {
                    throw kernel_fault("cuda_on_cpu: the threads of warp " + std::to_string(w) + " of block " +
                                       coordinates(launch.block_index) +
                                       " wait at different __syncwarp/__shfl calls: all must reach the same one");
                }
                any = true;
                site = fibers[i].barrier_site;
            }
            if (any && all) {
                for (std::size_t i = first; i < last; ++i) {
                    if (fibers[i].waiting == Waiting::warp_barrier) fibers[i].waiting = Waiting::nothing;
                }
                opened = true;
            }
        }
        if (opened) continue;

        std::size_t finished = 0, at_block = 0;
        const void* site = nullptr;
        bool same_site = true;
        for (const Fiber& fiber : fibers) {
            if (fiber.waiting == Waiting::finished) {
                ++finished;
            } else if (fiber.waiting == Waiting::block_barrier) {
                if (at_block > 0 && fiber.barrier_site != site) same_site = false;
                site = fiber.barrier_site;
                ++at_block;
            }
        }
        if (finished == fibers.size()) return;
        const std::string block = "block " + coordinates(launch.block_index);
        if (at_block + finished < fibers.size()) {
            throw kernel_fault("cuda_on_cpu: in " + block +
                               " some threads wait at __syncthreads while others wait for their warp: they can "
                               "never meet (a barrier inside a branch that not every thread takes)");
        }
        if (finished > 0) {
            throw kernel_fault("cuda_on_cpu: in " + block + ", " + std::to_string(at_block) + " of " +
                               std::to_string(fibers.size()) + " threads wait at __syncthreads() but " +
                               std::to_string(finished) +
                               " have returned: every thread of a block must reach every __syncthreads() (no "
                               "early return before one)");
        }
        if (!same_site) {
            throw kernel_fault("cuda_on_cpu: in " + block +
                               " the threads wait at different __syncthreads() calls: every thread must reach the "
                               "same one (a barrier inside a branch that not every thread takes)");
        }
        for (Fiber& fiber : fibers) fiber.waiting = Waiting::nothing;
    }
}

// What CUDA says of a launch shape it cannot run: the error and why (cudaSuccess when it can).
inline std::pair<cudaError_t, std::string> launch_limits(const dim3& grid, const dim3& block, std::size_t shared) {
    const unsigned long long threads = 1ull * block.x * block.y * block.z;
    std::ostringstream why;
    if (grid.x == 0 || grid.y == 0 || grid.z == 0) {
        why << "a grid of " << grid.x << " x " << grid.y << " x " << grid.z << " blocks (none may be 0)";
    } else if (grid.y > 65535 || grid.z > 65535) {
        why << "a grid of " << grid.x << " x " << grid.y << " x " << grid.z << " blocks (y and z at most 65535)";
    } else if (threads == 0 || threads > max_threads_per_block || block.z > 64) {
        why << "blocks of " << block.x << " x " << block.y << " x " << block.z << " = " << threads
            << " threads (1 to " << max_threads_per_block << ", z at most 64)";
    } else if (shared > max_dynamic_shared_bytes) {
        why << shared << " bytes of dynamic shared memory (at most " << max_dynamic_shared_bytes << ")";
        return {cudaErrorInvalidValue, why.str()};
    } else {
        return {cudaSuccess, ""};
    }
    return {cudaErrorInvalidConfiguration, why.str()};
}

// kernel<<<grid, block, shared>>>(...) on the CPU: block after block, in order.
inline void run(dim3 grid, dim3 block, std::size_t shared_bytes, std::function<void()> body) {
    if (active_launch()) throw std::logic_error("cuda_on_cpu: a kernel launched a kernel");
    const auto [refusal, why] = launch_limits(grid, block, shared_bytes);
    if (refusal != cudaSuccess) {
        fail(refusal, "cuda_on_cpu: launch with " + why);
        return;
    }
    const std::size_t threads = std::size_t{block.x} * block.y * block.z;
    static std::vector<Fiber> fibers;
    fibers.assign(threads, Fiber{});
    for (std::size_t i = 0; i < threads; ++i) {
        fibers[i].stack = fiber_stack(i);
        fibers[i].linear = static_cast<unsigned int>(i);
        fibers[i].thread = {static_cast<unsigned int>(i % block.x), static_cast<unsigned int>(i / block.x % block.y),
                            static_cast<unsigned int>(i / (std::size_t{block.x} * block.y))};
    }
    Launch launch;
    launch.grid = grid;
    launch.block = block;
    launch.body = std::move(body);
    launch.fibers = &fibers;
    if (shared_bytes > 0) {
        launch.dynamic_shared = map_guarded(shared_bytes, "the block's " + std::to_string(shared_bytes) +
                                                              " bytes of dynamic shared memory");
        launch.dynamic_shared_bytes = shared_bytes;
    }
    struct Active {
        Launch& launch;
        explicit Active(Launch& l) : launch(l) { active_launch() = &l; }
        ~Active() {
            active_launch() = nullptr;
            if (launch.dynamic_shared) unmap_guarded(launch.dynamic_shared);
        }
    } active(launch);
    FaultHandler handler;
    for (unsigned int z = 0; z < grid.z; ++z) {
        for (unsigned int y = 0; y < grid.y; ++y) {
            for (unsigned int x = 0; x < grid.x; ++x) {
                launch.block_index = {x, y, z};
                run_block(launch);
            }
        }
    }
}

inline char* dynamic_shared_memory() {
    Launch& launch = in_kernel("dynamic_shared");
    if (!launch.dynamic_shared) {
        throw kernel_fault("cuda_on_cpu: the kernel uses dynamic shared memory, but its launch asked for 0 bytes");
    }
    return launch.dynamic_shared;
}

template <typename T>
T shuffle(T value, int source_lane, const void* site) {
    static_assert(sizeof(T) <= sizeof(std::uint64_t), "cuda_on_cpu shuffles values of up to 8 bytes");
    Launch& launch = in_kernel("__shfl_sync");
    Fiber& self = *launch.current;
    self.exchange = 0;
    std::memcpy(&self.exchange, &value, sizeof(T));
    wait_at(Waiting::warp_barrier, site);  // every lane has put its value out
    const std::size_t warp_start = self.linear / warp_size * warp_size;
    const std::size_t source = warp_start + static_cast<std::size_t>(source_lane);
    T result = value;
    if (source_lane >= 0 && source_lane < static_cast<int>(warp_size) && source < launch.fibers->size()) {
        std::memcpy(&result, &(*launch.fibers)[source].exchange, sizeof(T));
    }
    wait_at(Waiting::warp_barrier, site);  // every lane has read before any writes again
    return result;
}

inline unsigned int lane() { return in_kernel("a shuffle").current->linear % warp_size; }

}  // namespace convkata::cuda_on_cpu

// ----------------------------------------------------- device built-ins ---

#define threadIdx (::convkata::cuda_on_cpu::in_kernel("threadIdx").current->thread)
#define blockIdx (::convkata::cuda_on_cpu::in_kernel("blockIdx").block_index)
#define blockDim (::convkata::cuda_on_cpu::in_kernel("blockDim").block)
#define gridDim (::convkata::cuda_on_cpu::in_kernel("gridDim").grid)
#define warpSize (::convkata::cuda_on_cpu::warp_size)

// noinline: each call site is one barrier, told apart by its return address.
[[gnu::noinline]] inline void __syncthreads() {
    ::convkata::cuda_on_cpu::wait_at(::convkata::cuda_on_cpu::Waiting::block_barrier, __builtin_return_address(0));
}
[[gnu::noinline]] inline void __syncwarp(unsigned int = 0xffffffffu) {
    ::convkata::cuda_on_cpu::wait_at(::convkata::cuda_on_cpu::Waiting::warp_barrier, __builtin_return_address(0));
}
template <typename T>
[[gnu::noinline]] T __shfl_sync(unsigned int, T value, int source_lane, int = 32) {
    return ::convkata::cuda_on_cpu::shuffle(value, source_lane, __builtin_return_address(0));
}
template <typename T>
[[gnu::noinline]] T __shfl_down_sync(unsigned int, T value, unsigned int delta, int = 32) {
    const int lane = static_cast<int>(::convkata::cuda_on_cpu::lane());
    const int source = lane + static_cast<int>(delta) < 32 ? lane + static_cast<int>(delta) : lane;
    return ::convkata::cuda_on_cpu::shuffle(value, source, __builtin_return_address(0));
}
template <typename T>
[[gnu::noinline]] T __shfl_up_sync(unsigned int, T value, unsigned int delta, int = 32) {
    const int lane = static_cast<int>(::convkata::cuda_on_cpu::lane());
    const int source = lane - static_cast<int>(delta) >= 0 ? lane - static_cast<int>(delta) : lane;
    return ::convkata::cuda_on_cpu::shuffle(value, source, __builtin_return_address(0));
}
template <typename T>
[[gnu::noinline]] T __shfl_xor_sync(unsigned int, T value, int mask, int = 32) {
    const int lane = static_cast<int>(::convkata::cuda_on_cpu::lane());
    return ::convkata::cuda_on_cpu::shuffle(value, lane ^ mask, __builtin_return_address(0));
}

// Fibers take turns only at barriers, so a read-modify-write is never interrupted.
namespace convkata::cuda_on_cpu {
template <typename T, typename Update>
T atomic_update(T* address, Update update) {
    const T old = *address;
    *address = update(old);
    return old;
}
}  // namespace convkata::cuda_on_cpu
template <typename T>
T atomicAdd(T* address, std::type_identity_t<T> value) {
    return ::convkata::cuda_on_cpu::atomic_update(address, [&](T old) { return old + value; });
}
template <typename T>
T atomicMax(T* address, std::type_identity_t<T> value) {
    return ::convkata::cuda_on_cpu::atomic_update(address, [&](T old) { return std::max(old, value); });
}
template <typename T>
T atomicMin(T* address, std::type_identity_t<T> value) {
    return ::convkata::cuda_on_cpu::atomic_update(address, [&](T old) { return std::min(old, value); });
}
template <typename T>
T atomicExch(T* address, std::type_identity_t<T> value) {
    return ::convkata::cuda_on_cpu::atomic_update(address, [&](T) { return value; });
}

[[noreturn]] inline void __trap() { throw ::convkata::cuda_on_cpu::kernel_fault("cuda_on_cpu: __trap() in a kernel"); }

// --------------------------------------------------------- runtime API ---

inline const char* cudaGetErrorString(cudaError_t error) {
    static thread_local std::string text;
    switch (error) {
        case cudaSuccess: return "no error";
        case cudaErrorInvalidValue: text = "invalid argument"; break;
        case cudaErrorMemoryAllocation: text = "out of memory"; break;
        case cudaErrorInvalidConfiguration: text = "invalid configuration argument"; break;
        case cudaErrorLaunchFailure: text = "unspecified launch failure"; break;
        default: text = "unknown error"; break;
    }
    const auto& state = ::convkata::cuda_on_cpu::error_state();
    if (!state.detail.empty()) text += " [" + state.detail + "]";
    return text.c_str();
}

inline cudaError_t cudaGetLastError() {
    auto& state = ::convkata::cuda_on_cpu::error_state();
    const cudaError_t last = state.last;
    state.last = cudaSuccess;
    return last;
}

inline cudaError_t cudaPeekAtLastError() { return ::convkata::cuda_on_cpu::error_state().last; }

inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }  // every launch has finished when it returns

inline cudaError_t cudaGetDeviceCount(int* count) {
    *count = 1;
    return cudaSuccess;
}

inline cudaError_t cudaMalloc(void** pointer, std::size_t bytes) {
    const std::string what = "a cudaMalloc buffer of " + std::to_string(bytes) + " bytes (" +
                             std::to_string(bytes / sizeof(float)) + " floats)";
    *pointer = ::convkata::cuda_on_cpu::map_guarded(bytes, what);
    if (!*pointer) return ::convkata::cuda_on_cpu::fail(cudaErrorMemoryAllocation, "cudaMalloc(" + std::to_string(bytes) + ")");
    return cudaSuccess;
}

template <typename T>
cudaError_t cudaMalloc(T** pointer, std::size_t bytes) {
    return cudaMalloc(reinterpret_cast<void**>(pointer), bytes);
}

inline cudaError_t cudaFree(void* pointer) {
    if (pointer == nullptr) return cudaSuccess;
    if (!::convkata::cuda_on_cpu::unmap_guarded(pointer)) {
        return ::convkata::cuda_on_cpu::fail(cudaErrorInvalidValue, "cudaFree of a pointer cudaMalloc did not return");
    }
    return cudaSuccess;
}

inline cudaError_t cudaMemcpy(void* destination, const void* source, std::size_t bytes, cudaMemcpyKind) {
    if (bytes > 0) std::memmove(destination, source, bytes);
    return cudaSuccess;
}

inline cudaError_t cudaMemset(void* destination, int value, std::size_t bytes) {
    std::memset(destination, value, bytes);
    return cudaSuccess;
}
