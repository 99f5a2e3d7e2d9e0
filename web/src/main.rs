fn main() {
    #[cfg(feature = "app")]
    yew::Renderer::<mqlab_web::App>::new().render();
}
